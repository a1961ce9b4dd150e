/**
 * An AWS SDK client's config: what is given, less an unset or empty endpoint, so the SDK picks
 * its own (AWS_ENDPOINT_URL_<SERVICE> when set, AWS otherwise) instead of `endpoint: undefined`.
 */
export function awsClientConfig<T extends { endpoint?: string }>(
  config: T,
): Omit<T, 'endpoint'> & { endpoint?: string } {
  const { endpoint, ...rest } = config;
  return endpoint ? { ...rest, endpoint } : rest;
}
