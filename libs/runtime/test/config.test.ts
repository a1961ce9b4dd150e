import { Type } from '@sinclair/typebox';
import { CommonConfig, ConfigError, loadConfig } from '../src/config';

const Schema = Type.Composite([
  CommonConfig,
  Type.Object({ TABLE_NAME: Type.String({ default: 'onair-x' }) }),
]);

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const c = loadConfig(Schema, { PORT: '8081' });
    expect(c).toMatchObject({
      PORT: 8081,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      BUS_NAMESPACE: 'onair',
      TABLE_NAME: 'onair-x',
    });
    expect(c.AMQP_URL).toBeUndefined();
  });

  it('refuses a bad value and names the key', () => {
    expect(() => loadConfig(Schema, { PORT: 'eighty' })).toThrow(/PORT="eighty" is invalid/);
    expect(() => loadConfig(Schema, { PORT: '1', AMQP_URL: 'http://nope' })).toThrow(
      /AMQP_URL="http:\/\/nope" is invalid/,
    );
    expect(() => loadConfig(Schema, { PORT: '1', LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL="loud"/);
  });

  it('refuses a number that is not plain decimal digits instead of reading it leniently', () => {
    for (const bad of ['1.5', '1e2', '0x10', '80 80', '12abc']) {
      expect(() => loadConfig(Schema, { PORT: bad })).toThrow(
        new RegExp(`PORT="${bad.replace('.', '\\.')}" is invalid: Expected a whole number`),
      );
    }
    expect(loadConfig(Schema, { PORT: '+8081' }).PORT).toBe(8081);
  });

  it('names a missing required key, and reports every problem at once', () => {
    try {
      loadConfig(Schema, { BUS_NAMESPACE: 'Bad Name' });
      throw new Error('should have thrown');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toMatch(/PORT is required/);
      expect(msg).toMatch(/BUS_NAMESPACE="Bad Name" is invalid/);
    }
  });
});
