import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkPublishTopic,
  checkSubscribeFilter,
  devicePrefix,
  topicMatches,
} from '../../../agent/uplink/topic-filter.js';

test('filter matching per MQTT 3.1.1 §4.7', () => {
  const rows: [string, string, boolean][] = [
    ['ztgw/gw1/down/#', 'ztgw/gw1/down/config', true],
    ['ztgw/gw1/down/#', 'ztgw/gw1/down/cmd/s1', true],
    ['ztgw/gw1/down/#', 'ztgw/gw1/down', true], // '#' also matches the parent level [MQTT-4.7.1-2]
    ['ztgw/gw1/down/cmd/+', 'ztgw/gw1/down/cmd/s1', true],
    ['ztgw/gw1/down/cmd/+', 'ztgw/gw1/down/cmd/s1/x', false],
    ['ztgw/gw1/down/cmd/+', 'ztgw/gw1/down/cmd', false],
    ['ztgw/gw1/down/config', 'ztgw/gw1/down/config', true],
    ['ztgw/gw1/down/config', 'ztgw/gw1/down/configx', false],
    ['ztgw/+/down/grant', 'ztgw/gw2/down/grant', true],
  ];
  for (const [f, t, want] of rows) assert.is(topicMatches(f, t), want, `${f} ~ ${t}`);
});

test('publish topics and subscribe filters stay under the device prefix', () => {
  const p = devicePrefix('gw1');
  assert.is(p, 'ztgw/gw1/');
  assert.is(checkPublishTopic(p, 'ztgw/gw1/up/t'), null);
  assert.is(checkPublishTopic(p, 'ztgw/gw2/up/t'), 'topic "ztgw/gw2/up/t" is not under ztgw/gw1/');
  assert.is(checkPublishTopic(p, 'ztgw/gw1/'), 'topic "ztgw/gw1/" is not under ztgw/gw1/');
  assert.is(checkPublishTopic(p, 'ztgw/gw1/up/+'), 'topic "ztgw/gw1/up/+" contains a wildcard or NUL');
  assert.is(checkSubscribeFilter(p, 'ztgw/gw1/down/#'), null);
  assert.is(checkSubscribeFilter(p, 'ztgw/gw1/down/cmd/+'), null);
  assert.is(checkSubscribeFilter(p, 'ztgw/#'), 'filter "ztgw/#" is not under ztgw/gw1/');
  assert.is(
    checkSubscribeFilter(p, 'ztgw/gw1/down/#/x'),
    'filter "ztgw/gw1/down/#/x" misuses + or # (MQTT 3.1.1 §4.7.1)',
  );
  assert.is(
    checkSubscribeFilter(p, 'ztgw/gw1/down/a+'),
    'filter "ztgw/gw1/down/a+" misuses + or # (MQTT 3.1.1 §4.7.1)',
  );
});

test.run();
