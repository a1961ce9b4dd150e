import type { RecordingObjects } from './objects-port';

/** In-memory RecordingObjects for unit tests. */
export class FakeRecordingObjects implements RecordingObjects {
  readonly objects = new Set<string>();
  async delete(bucket: string, key: string): Promise<void> {
    this.objects.delete(`${bucket}/${key}`);
  }
  async deletePrefix(bucket: string, prefix: string): Promise<void> {
    for (const k of [...this.objects]) if (k.startsWith(`${bucket}/${prefix}/`)) this.objects.delete(k);
  }
}
