import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkSensorId,
  checkSensorTopic,
  checkTopicFilter,
  type TopicRule,
} from '../../../agent/policy/topic-check.js';

const nineLevels = 'a/b/c/d/e/f/g/h/i';

const injections: [string, TopicRule, string][] = [
  ['a/+/b', 'wildcard', 'wildcard: wildcard in level 2; a topic name may not hold "+" or "#"'],
  ['#', 'wildcard', 'wildcard: wildcard in level 1; a topic name may not hold "+" or "#"'],
  ['a/#', 'wildcard', 'wildcard: wildcard in level 2; a topic name may not hold "+" or "#"'],
  ['a+b', 'wildcard', 'wildcard: wildcard in level 1; a topic name may not hold "+" or "#"'],
  ['$SYS/x', 'system-topic', 'system-topic: topics starting with "$" are reserved'],
  ['a/../b', 'dot-segment', 'dot-segment: level 2 is ".."'],
  ['a/./b', 'dot-segment', 'dot-segment: level 2 is "."'],
  ['..', 'dot-segment', 'dot-segment: level 1 is ".."'],
  ['a//b', 'empty-segment', 'empty-segment: level 2 is empty'],
  ['a\u0000b', 'control-char', 'control-char: NUL (U+0000) at index 1'],
  ['a\nb', 'control-char', 'control-char: control character U+000A at index 1'],
  ['a\u007fb', 'control-char', 'control-char: control character U+007F at index 1'],
  ['a\u0085', 'control-char', 'control-char: control character U+0085 at index 1'],
  ['x'.repeat(200), 'too-long', 'too-long: 200 bytes, at most 128 allowed'],
  ['é'.repeat(65), 'too-long', 'too-long: 130 bytes, at most 128 allowed'],
  [nineLevels, 'too-many-levels', 'too-many-levels: 9 levels, at most 8 allowed'],
  ['/a', 'leading-slash', 'leading-slash: topic starts with "/"'],
  ['a/', 'trailing-slash', 'trailing-slash: topic ends with "/"'],
  ['', 'empty', 'empty: topic is empty'],
  ['a\ud800b', 'not-utf8-safe', 'not-utf8-safe: lone surrogate U+D800 at index 1'],
  ['ab\udc00', 'not-utf8-safe', 'not-utf8-safe: lone surrogate U+DC00 at index 2'],
  ['a\uffff', 'not-utf8-safe', 'not-utf8-safe: noncharacter U+FFFF at index 1'],
  ['a\ufdd0', 'not-utf8-safe', 'not-utf8-safe: noncharacter U+FDD0 at index 1'],
];

for (const [topic, rule, reason] of injections) {
  test(`checkSensorTopic refuses ${JSON.stringify(topic.length > 20 ? `${topic.slice(0, 20)}…` : topic)} (${rule})`, () => {
    assert.equal(checkSensorTopic(topic), { ok: false, rule, reason });
  });
}

const good = ['temp', 'a/b', 'room-1/temp_c', 'a/b/c/d/e/f/g/h', 'x'.repeat(128), 'é/日本/😀', 'a.b/..c/.d'];
for (const topic of good) {
  test(`checkSensorTopic accepts ${JSON.stringify(topic.slice(0, 20))}`, () => {
    assert.equal(checkSensorTopic(topic), { ok: true, value: topic });
  });
}

test('checkSensorTopic limits are options', () => {
  assert.equal(checkSensorTopic('a/b/c', { maxLevels: 2 }), {
    ok: false,
    rule: 'too-many-levels',
    reason: 'too-many-levels: 3 levels, at most 2 allowed',
  });
  assert.equal(checkSensorTopic('abcd', { maxBytes: 3 }), {
    ok: false,
    rule: 'too-long',
    reason: 'too-long: 4 bytes, at most 3 allowed',
  });
});

const filters: [string, TopicRule | null][] = [
  ['a/+/b', null],
  ['#', null],
  ['+', null],
  ['a/#', null],
  ['+/+', null],
  ['a/#/b', 'bad-wildcard'],
  ['a/b#', 'bad-wildcard'],
  ['a/+b', 'bad-wildcard'],
  ['$SYS/#', 'system-topic'],
  ['a//+', 'empty-segment'],
  ['a/../#', 'dot-segment'],
  ['a/', 'trailing-slash'],
];
for (const [filter, rule] of filters) {
  test(`checkTopicFilter ${JSON.stringify(filter)} → ${rule ?? 'ok'}`, () => {
    const r = checkTopicFilter(filter);
    assert.equal(r.ok ? null : r.rule, rule);
  });
}

test('checkSensorId accepts safe single levels only', () => {
  const table: [string, boolean][] = [
    ['s1', true],
    ['pump-3.north_B', true],
    ['a'.repeat(64), true],
    ['a'.repeat(65), false],
    ['', false],
    ['.', false],
    ['..', false],
    ['__proto__', false],
    ['a/b', false],
    ['+', false],
    ['#', false],
    ['$x', false],
    ['a b', false],
  ];
  for (const [id, isOk] of table) assert.is(checkSensorId(id).ok, isOk, id);
});

test.run();
