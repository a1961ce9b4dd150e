import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AppError, awsClientConfig } from '@onair/runtime';
import type { RecordingObjects } from './objects-port';

/** RecordingObjects on the real S3 client; the endpoint comes from AWS_ENDPOINT_URL_S3 unless given. */
export class S3RecordingObjects implements RecordingObjects {
  private readonly s3: S3Client;

  constructor(o: { region: string; forcePathStyle: boolean; endpoint?: string }) {
    this.s3 = new S3Client(awsClientConfig(o));
  }

  async delete(bucket: string, key: string): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      throw new AppError('STORAGE_UNAVAILABLE', 502, `S3 DeleteObject failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  async deletePrefix(bucket: string, prefix: string): Promise<void> {
    // A trailing slash so `…/abc` never takes `…/abcd` with it; an empty prefix would be the bucket.
    if (!prefix) throw new AppError('BAD_PREFIX', 500, 'refusing to delete an empty prefix');
    const base = prefix.endsWith('/') ? prefix : `${prefix}/`;
    let token: string | undefined;
    try {
      do {
        const page = await this.s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: base, ContinuationToken: token }),
        );
        // One DeleteObject per key: S3-compatible stores do not all have DeleteObjects.
        for (const o of page.Contents ?? []) {
          if (o.Key) await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw new AppError('STORAGE_UNAVAILABLE', 502, `S3 delete of ${base} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  close(): void {
    this.s3.destroy();
  }
}
