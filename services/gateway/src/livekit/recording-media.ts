import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AppError, awsClientConfig, notFound } from '@onair/runtime';

export interface ObjectInfo {
  size: number;
  etag?: string;
  lastModified?: Date;
  contentType?: string;
}

/** Port: the bytes of recordings (the files LiveKit egress wrote to S3). */
export interface RecordingMedia {
  head(bucket: string, key: string): Promise<ObjectInfo>;
  /** The bytes, or an inclusive byte range of them. */
  read(bucket: string, key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** A time-limited URL a browser can play and seek without our bearer token (S3 serves Range). */
  presign(bucket: string, key: string, expiresInSeconds: number, fileName: string): Promise<string>;
}

/** RecordingMedia on the real S3 client; the endpoint comes from AWS_ENDPOINT_URL_S3 unless given. */
export class S3RecordingMedia implements RecordingMedia {
  private readonly s3: S3Client;

  constructor(o: { region: string; forcePathStyle: boolean; endpoint?: string }) {
    this.s3 = new S3Client(awsClientConfig(o));
  }

  async head(bucket: string, key: string): Promise<ObjectInfo> {
    try {
      const h = await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        size: h.ContentLength ?? 0,
        etag: h.ETag,
        lastModified: h.LastModified,
        contentType: h.ContentType,
      };
    } catch (e) {
      throw mapError(e, key);
    }
  }

  async read(bucket: string, key: string, range?: { start: number; end: number }): Promise<Readable> {
    try {
      const r = await this.s3.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return r.Body as Readable;
    } catch (e) {
      throw mapError(e, key);
    }
  }

  async presign(bucket: string, key: string, expiresIn: number, fileName: string): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentType: 'video/mp4',
        ResponseContentDisposition: `inline; filename="${fileName.replace(/"/g, '')}"`,
      }),
      { expiresIn },
    );
  }

  close(): void {
    this.s3.destroy();
  }
}

function mapError(e: unknown, key: string): AppError {
  const name = (e as Error).name;
  if (name === 'NotFound' || name === 'NoSuchKey') return notFound(`The file of recording ${key} is missing`);
  return new AppError('STORAGE_UNAVAILABLE', 502, `S3 failed: ${(e as Error).message}`, { cause: e });
}
