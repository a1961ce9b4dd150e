// The reading half of the docs snippet test (snippets.ts): finding blocks, telling their kind,
// splitting shell blocks into commands, refusing commands that must never run from a test.
import {
  assignedNames,
  classify,
  diagramProblem,
  expandVars,
  freeNames,
  matchesShown,
  onStack,
  parseSnippets,
  parseWscat,
  readMarker,
  refusal,
  scriptExpectations,
  shellCommands,
} from './snippets';

describe('parseSnippets', () => {
  const page = [
    '# Page', //                                   1
    '', //                                         2
    '```bash', //                                  3
    'echo one', //                                 4
    '```', //                                      5
    '<!-- snippet: not-run: needs AWS -->', //     6
    '', //                                         7
    '~~~~ yaml title="x"', //                      8
    'a: 1', //                                     9
    '```', //                                     10 (not a closing fence: other character)
    '~~~~', //                                    11
    '- a list item:', //                          12
    '  ```', //                                   13
    '  indented', //                              14
    '  ```', //                                   15
  ].join('\n');
  const found = parseSnippets('docs/x.md', page);

  test('finds every fence with its line, info string, marker and body', () => {
    expect(found.map((s) => [s.line, s.lang, s.info, s.marker, s.code])).toEqual([
      [3, 'bash', 'bash', undefined, 'echo one'],
      [8, 'yaml', 'yaml title="x"', 'not-run: needs AWS', 'a: 1\n```'],
      [13, '', '', undefined, 'indented'],
    ]);
  });

  test('a block without an info string or with an unknown one is an error naming file:line', () => {
    expect(classify(found[2])).toEqual({
      error: expect.stringContaining('docs/x.md:13: a code block without an info string'),
    });
    expect(classify({ ...found[0], lang: 'http' })).toEqual({
      error: expect.stringContaining("no runner for info string 'http'"),
    });
    expect(classify(found[0])).toEqual({ kind: 'shell' });
    expect(classify({ ...found[0], lang: 'text', code: 'wscat -c "ws://x"\n> {}' })).toEqual({
      kind: 'wscat',
    });
    expect(classify({ ...found[0], lang: 'text', code: 'a table' })).toEqual({ kind: 'text' });
  });

  test('markers: not-run with a reason, anything else is an error', () => {
    expect(readMarker(found[1])).toEqual({ notRun: 'needs AWS' });
    expect(readMarker(found[0])).toBeUndefined();
    expect(readMarker({ ...found[0], marker: 'skip' })).toEqual({
      error: expect.stringContaining('unknown marker'),
    });
    expect(readMarker({ ...found[0], marker: 'not-run:' })).toEqual({
      error: expect.stringContaining('unknown marker'),
    });
  });
});

describe('shellCommands', () => {
  test('continuations, quotes and parentheses keep a command together; comments are skipped', () => {
    const code = [
      '# a comment',
      'A=1; B="two # not a comment"',
      '',
      'ROOM=$(curl -s -X POST $G/x \\',
      '  -d \'{"a":',
      "  1}' | jq -r .id)   # -> room_1 (a remark)",
      "curl -s $G/y -o /dev/null -w '%{http_code}\\n'   # -> 204",
      'echo done   # just a note',
    ].join('\n');
    expect(shellCommands(code)).toEqual([
      { text: 'A=1; B="two # not a comment"', line: 1 },
      { text: expect.stringMatching(/^ROOM=\$\(curl[\s\S]*jq -r \.id\)/), line: 3, expect: 'room_1' },
      { text: expect.stringContaining('http_code'), line: 6, expect: '204' },
      { text: 'echo done   # just a note', line: 7 },
    ]);
  });

  test('console blocks keep only their $ lines', () => {
    expect(shellCommands('$ echo hi\nhi\n$ echo ho', 'console').map((c) => c.text)).toEqual([
      'echo hi',
      'echo ho',
    ]);
  });

  test('assignedNames finds the variables a block sets', () => {
    expect(assignedNames("G=x; IVS=y\nexport TOKEN=z\nROOM=$(curl -d 'a')")).toEqual(
      expect.arrayContaining(['G', 'IVS', 'TOKEN', 'ROOM']),
    );
  });
});

describe('refusal', () => {
  test.each([
    ['npm ci && npm start'],
    ['AMQP_URL=amqp://x npm start'],
    ['npm test'],
    ['NODE_OPTIONS=--x npx jest services/chat-svc'],
    ['docker compose up --build'],
    ['curl -s $G | jq . ; rm -rf /tmp/x'],
    ['X=$(git log)'],
    ['echo "$(npm ci)"'],
  ])('refuses %s', (cmd) => {
    expect(refusal(cmd)).toBeDefined();
  });

  test.each([
    ['npm start -- --help   # every option'],
    ['export TOKEN=$(npm run -s token -- --user alice --role viewer)'],
    ['curl -s -X POST $G/v1/streams -d \'{"title":"rm -rf and git and npm ci"}\''],
    ['G=http://127.0.0.1:8080; H="Authorization: Bearer $TOKEN"'],
    ['curl -s $G/x | jq -r .status   # -> live, then npm start'],
  ])('lets %s run', (cmd) => {
    expect(refusal(cmd)).toBeUndefined();
  });
});

describe('scripts', () => {
  test('// -> comments are what the output must contain', () => {
    expect(scriptExpectations('console.log(1); // -> 1\nx(); // -> a b (remark)\n// plain')).toEqual([
      '1',
      'a b',
    ]);
  });

  test('freeNames: the bound names a block uses without declaring them', () => {
    const code = [
      "const api = 'x';",
      'fetch(`$' + '{api}/rooms/$' + '{roomId}`, { headers: { a: accessToken } });',
      'obj.roomIdx;',
    ].join('\n');
    expect(freeNames(code, ['api', 'roomId', 'accessToken', 'other'])).toEqual(['roomId', 'accessToken']);
  });
});

test('onStack moves default-stack ports to stack N, and nothing else', () => {
  expect(onStack('http://127.0.0.1:8080 ws://localhost:8088/x http://127.0.0.1:80801 :8090 7880', 3)).toBe(
    'http://127.0.0.1:8110 ws://localhost:8118/x http://127.0.0.1:80801 :8090 7880',
  );
});

test('wscat sessions and shown frames', () => {
  const s = parseWscat('wscat -c "ws://h/x?token=$TOKEN"\n> {"a":1}\n< {"b":"grp_…","c":"<sub>"}');
  expect(s).toEqual({
    url: 'ws://h/x?token=$TOKEN',
    steps: [{ send: '{"a":1}' }, { receive: '{"b":"grp_…","c":"<sub>"}' }],
  });
  expect(() => parseWscat('curl x')).toThrow(/wscat -c URL/);
  const shown = { b: 'grp_…', c: '<sub>', n: 1 };
  expect(matchesShown(shown, { n: 1, c: 'u-1', b: 'grp_12ab' })).toBe(true);
  expect(matchesShown(shown, { n: 1, c: 'u-1', b: 'chat_12' })).toBe(false);
  expect(matchesShown(shown, { n: 2, c: 'u-1', b: 'grp_1' })).toBe(false);
  expect(matchesShown(shown, { n: 1, c: 'u-1', b: 'grp_1', extra: true })).toBe(false);
  expect(matchesShown(shown, { n: 1, b: 'grp_1' })).toBe(false);
  expect(expandVars('ws://h/x?token=$TOKEN&u=$' + '{U}', { TOKEN: 't', U: 'u' })).toBe(
    'ws://h/x?token=t&u=u',
  );
  expect(() => expandVars('$NOPE', {})).toThrow(/\$NOPE is not bound/);
});

test('diagrams name their type', () => {
  expect(diagramProblem('flowchart LR\n a --> b')).toBeUndefined();
  expect(diagramProblem('%% note\nsequenceDiagram\n a->>b: x')).toBeUndefined();
  expect(diagramProblem('a --> b')).toMatch(/does not start a mermaid diagram/);
});
