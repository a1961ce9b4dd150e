import type { RecordingObjects } from './objects-port';

/** In-memory RecordingObjects for unit tests. */
export class FakeRecordingObjects implements RecordingObjects {
  readonly objects = new Set<string>();
  async delete(bucket: string, key: string): Promise<void> {
    this.objects.delete(`${bucket}/${key}`);
  }
}
