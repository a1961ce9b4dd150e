import { SignJWT } from 'jose';

export const TEST_SECRET = 'test-secret-at-least-16-chars';

export async function tokenFor(
  userId: string,
  roles: string[] = ['viewer'],
  secret = TEST_SECRET,
  ttl = '1h',
) {
  return new SignJWT({ roles, name: userId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(new TextEncoder().encode(secret));
}
