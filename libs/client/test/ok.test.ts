import { done, OnairApiError, ok } from '../src';

const answer = <T>(status: number, data?: T, error?: unknown) =>
  Promise.resolve({ data, error, response: new Response(null, { status }) });
const noBody = (status: number, error?: unknown) =>
  Promise.resolve({ data: undefined, error, response: new Response(null, { status }) });

describe('ok / done', () => {
  test('ok gives the data of a 2xx answer', async () => {
    await expect(ok(answer(200, { id: 'st_1' }))).resolves.toEqual({ id: 'st_1' });
  });

  test('ok turns a problem answer into an OnairApiError with its status, code and detail', async () => {
    const err = await ok(
      answer(404, undefined, { code: 'NOT_FOUND', detail: 'Stream st_1 not found' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnairApiError);
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND', message: 'HTTP 404: Stream st_1 not found' });
  });

  test('ok refuses an answer without a body instead of handing back undefined as the data', async () => {
    // openapi-fetch gives `data: undefined` for a 204; the caller meant done().
    await expect(ok(answer<{ id: string }>(204))).rejects.toMatchObject({
      status: 204,
      message: expect.stringMatching(/done\(\)/),
    });
  });

  test('done accepts a 204 and refuses an error answer', async () => {
    await expect(done(noBody(204))).resolves.toBeUndefined();
    await expect(done(noBody(403, { code: 'FORBIDDEN', detail: 'no' }))).rejects.toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
  });
});
