/** The object store recordings live in (S3, MinIO, fauxqs locally). */
export interface RecordingObjects {
  /** Idempotent: deleting a missing object succeeds (as S3 does). */
  delete(bucket: string, key: string): Promise<void>;
}
