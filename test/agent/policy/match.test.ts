import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { filterCovers, matchesFilter } from '../../../agent/policy/match.js';

// Rows from the examples of MQTT 3.1.1 §4.7.1 and §4.7.2, plus edges.
const table: [filter: string, topic: string, isMatch: boolean][] = [
  ['sport/tennis/player1/#', 'sport/tennis/player1', true],
  ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
  ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
  ['sport/tennis/player1/#', 'sport/tennis/player2', false],
  ['sport/#', 'sport', true],
  ['#', 'a/b/c', true],
  ['#', 'a', true],
  ['sport/tennis/+', 'sport/tennis/player1', true],
  ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
  ['sport/+', 'sport', false],
  ['sport/+', 'sport/', true],
  ['+', 'finance', true],
  ['+', '/finance', false],
  ['+/+', '/finance', true],
  ['/+', '/finance', true],
  ['+/tennis/#', 'sport/tennis/player1', true],
  ['+/tennis/#', 'sport/golf', false],
  ['a/b', 'a/b', true],
  ['a/b', 'a/b/c', false],
  ['a/b/c', 'a/b', false],
  ['A/b', 'a/b', false],
  ['#', '$SYS/monitor/Clients', false],
  ['+/monitor/Clients', '$SYS/monitor/Clients', false],
  ['$SYS/#', '$SYS/monitor/Clients', true],
  ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
];

for (const [filter, topic, isMatch] of table) {
  test(`matchesFilter(${filter}, ${topic}) is ${isMatch}`, () => {
    assert.is(matchesFilter(filter, topic), isMatch);
  });
}

const covers: [outer: string, inner: string, isCovered: boolean][] = [
  ['#', 'a/b', true],
  ['#', '#', true],
  ['a/#', 'a', true],
  ['a/#', 'a/+/c', true],
  ['a/#', 'a/#', true],
  ['a/#', 'b/#', false],
  ['a/+', 'a/b', true],
  ['a/+', 'a/+', true],
  ['a/+', 'a/#', false],
  ['a/+', 'a/b/c', false],
  ['a/b', 'a/+', false],
  ['a/b', 'a/b', true],
  ['a/b', 'a', false],
  ['cmd/s1', 'cmd/s1', true],
  ['cmd/s1', 'cmd/+', false],
  ['cmd/s1', '#', false],
  ['+/x', '$SYS/x', false],
  ['#', '$SYS/x', false],
];
for (const [outer, inner, isCovered] of covers) {
  test(`filterCovers(${outer}, ${inner}) is ${isCovered}`, () => {
    assert.is(filterCovers(outer, inner), isCovered);
  });
}

// Small alphabet so that random filters and topics collide often.
const level = fc.constantFrom('a', 'b', '', '$s');
const topicArb = fc.array(level, { minLength: 1, maxLength: 4 }).map((l) => l.join('/'));
const filterArb = fc
  .tuple(fc.array(fc.constantFrom('a', 'b', '+', '$s'), { minLength: 0, maxLength: 3 }), fc.boolean())
  .filter(([l, hasHash]) => l.length > 0 || hasHash)
  .map(([l, hasHash]) => (hasHash ? [...l, '#'] : l).join('/'));

test('filterCovers is sound: whatever inner matches, outer matches', () => {
  fc.assert(
    fc.property(filterArb, filterArb, topicArb, (outer, inner, topic) => {
      if (filterCovers(outer, inner) && matchesFilter(inner, topic)) return matchesFilter(outer, topic);
      return true;
    }),
    { numRuns: 5000, seed: 20261201 },
  );
});

/** MQTT 3.1.1 §4.7 read literally, level lists and all: the reference the level walk must agree with. */
function matchesBySplit(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (t[i] === undefined || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

test('matchesFilter agrees with the level-list reading of §4.7 on random filters and topics', () => {
  const longLevel = fc.constantFrom('a', 'ab', 'b', '', '$s', 'ba');
  const longTopic = fc.array(longLevel, { minLength: 1, maxLength: 5 }).map((l) => l.join('/'));
  fc.assert(
    fc.property(fc.oneof(filterArb, longTopic), longTopic, (filter, topic) => {
      assert.is(matchesFilter(filter, topic), matchesBySplit(filter, topic), `${filter} vs ${topic}`);
    }),
    { numRuns: 20_000, seed: 20261202 },
  );
});

test('every filter covers itself', () => {
  fc.assert(
    fc.property(filterArb, (f) => filterCovers(f, f)),
    { numRuns: 1000, seed: 20261201 },
  );
});

test.run();
