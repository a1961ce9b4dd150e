// providerCalls (one error mapping per SDK adapter) and awsClientConfig (no `endpoint: undefined`).
import { awsClientConfig } from '../src/aws-config';
import { AppError } from '../src/errors';
import { providerCalls } from '../src/provider-errors';

describe('providerCalls', () => {
  const seen: Array<[unknown, string]> = [];
  const call = providerCalls((e, what) => {
    seen.push([e, what]);
    return new AppError('MAPPED', 502, `${what} failed`);
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('answers what the call answers, without mapping anything', async () => {
    expect(await call('ListRooms', async () => ['r1'])).toEqual(['r1']);
    expect(seen).toEqual([]);
  });

  it('throws the mapped error of whatever the call throws, naming the call', async () => {
    const boom = Object.assign(new Error('nope'), { name: 'ThrottlingException' });
    await expect(
      call('CreateRoom', async () => {
        throw boom;
      }),
    ).rejects.toMatchObject({ code: 'MAPPED', status: 502, message: 'CreateRoom failed' });
    expect(seen).toEqual([[boom, 'CreateRoom']]);
  });
});

describe('awsClientConfig', () => {
  it('keeps a given endpoint and everything else', () => {
    expect(
      awsClientConfig({ region: 'eu-west-1', forcePathStyle: true, endpoint: 'http://s3.local' }),
    ).toEqual({
      region: 'eu-west-1',
      forcePathStyle: true,
      endpoint: 'http://s3.local',
    });
  });

  it('leaves an unset or empty endpoint out, so the SDK picks its own', () => {
    for (const endpoint of [undefined, '']) {
      const config = awsClientConfig({ region: 'eu-west-1', forcePathStyle: false, endpoint });
      expect(config).toEqual({ region: 'eu-west-1', forcePathStyle: false });
      expect('endpoint' in config).toBe(false);
    }
  });
});
