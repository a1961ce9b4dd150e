/** The object store recordings live in (S3, MinIO, fauxqs locally). */
export interface RecordingObjects {
  /** Idempotent: deleting a missing object succeeds (as S3 does). */
  delete(bucket: string, key: string): Promise<void>;
  /** Every object under `prefix/` (an IVS recording session is many HLS files). */
  deletePrefix(bucket: string, prefix: string): Promise<void>;
}
