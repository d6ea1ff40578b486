/**
 * The shaped network's command lists, and what set-up does when a step fails (against a recording
 * fake of `ip`/`tc`; the real namespaces are built by the smoke run of the benchmark).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  DEFAULT_SHAPED_NETWORK as N,
  setupCommands,
  setupShapedNetwork,
  teardownCommands,
} from '../../../hil/bench/data-path/netns.js';

test('set-up: namespaces, lo, two veth pairs with /30 addresses, tbf on both shaped ends', () => {
  const cmds = setupCommands(N).map((c) => c.join(' '));
  assert.equal(cmds, [
    'ip netns add ztgw-bench-gw',
    'ip netns add ztgw-bench-cloud',
    'ip -n ztgw-bench-gw link set lo up',
    'ip -n ztgw-bench-cloud link set lo up',
    'ip link add ztgwb-gw0 netns ztgw-bench-gw type veth peer name ztgwb-cl0 netns ztgw-bench-cloud',
    'ip link add ztgwb-gw1 netns ztgw-bench-gw type veth peer name ztgwb-cl1 netns ztgw-bench-cloud',
    'ip -n ztgw-bench-gw addr add 10.231.0.1/30 dev ztgwb-gw0',
    'ip -n ztgw-bench-cloud addr add 10.231.0.2/30 dev ztgwb-cl0',
    'ip -n ztgw-bench-gw addr add 10.231.0.5/30 dev ztgwb-gw1',
    'ip -n ztgw-bench-cloud addr add 10.231.0.6/30 dev ztgwb-cl1',
    'ip -n ztgw-bench-gw link set ztgwb-gw0 up',
    'ip -n ztgw-bench-cloud link set ztgwb-cl0 up',
    'ip -n ztgw-bench-gw link set ztgwb-gw1 up',
    'ip -n ztgw-bench-cloud link set ztgwb-cl1 up',
    'tc -n ztgw-bench-gw qdisc add dev ztgwb-gw0 root tbf rate 1mbit burst 32kbit latency 400ms',
    'tc -n ztgw-bench-cloud qdisc add dev ztgwb-cl0 root tbf rate 1mbit burst 32kbit latency 400ms',
  ]);
  for (const c of setupCommands(N))
    for (const w of c) assert.ok(!w.startsWith('ztgwb-') || w.length <= 15, `${w} fits IFNAMSIZ`);
});

test('tear-down deletes both namespaces and stray root-namespace ends', () => {
  assert.equal(
    teardownCommands(N).map((c) => c.join(' ')),
    [
      'ip netns del ztgw-bench-gw',
      'ip netns del ztgw-bench-cloud',
      'ip link del ztgwb-gw0',
      'ip link del ztgwb-gw1',
    ],
  );
});

test('set-up clears leftovers first, and a failing step tears down and names the step', async () => {
  const ran: string[] = [];
  const exec = async (argv: readonly string[]) => {
    const line = argv.join(' ');
    ran.push(line);
    if (line.startsWith('tc -n ztgw-bench-gw'))
      return { code: 2, stderr: 'RTNETLINK answers: Operation not permitted\n', stdout: '' };
    return { code: 0, stderr: '', stdout: '' };
  };
  await setupShapedNetwork(N, exec).then(
    () => assert.unreachable('should have failed'),
    (err: unknown) =>
      assert.is(
        String(err),
        'Error: shaped network: `tc -n ztgw-bench-gw qdisc add dev ztgwb-gw0 root tbf rate 1mbit burst 32kbit latency 400ms` failed (2): RTNETLINK answers: Operation not permitted (needs root)',
      ),
  );
  const teardown = [
    'ip netns pids ztgw-bench-gw',
    'ip netns pids ztgw-bench-cloud',
    ...teardownCommands(N).map((c) => c.join(' ')),
  ];
  const failedAt = setupCommands(N).findIndex((c) => c[0] === 'tc');
  assert.equal(ran, [
    ...teardown,
    ...setupCommands(N)
      .slice(0, failedAt + 1)
      .map((c) => c.join(' ')),
    ...teardown,
  ]);
});

test.run();
