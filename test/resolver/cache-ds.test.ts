// A DS question is never answered by following a cached CNAME: the DS lives on the parent side of
// a cut (RFC 4035 §2.4), which a CNAME cached from the child side says nothing about, so the
// parent is asked (Unbound's cache does the same; val_unsec_cname).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType } from '../../src/wire/constants.ts';
import { LAB, query, setup } from './hierarchy.ts';

test('cache: a cached CNAME answers A from cache, but a DS question for that name goes upstream', async () => {
  const { net, resolver } = setup();
  await resolver.resolve(query('alias.lab', RRType.A));
  const before = net.asked().length;
  await resolver.resolve(query('alias.lab', RRType.AAAA));
  assert.ok(!net.asked().slice(before).includes(`alias.lab. ${RRType.AAAA}@${LAB}`), 'other types follow the cached CNAME');
  const mark = net.asked().length;
  await resolver.resolve(query('alias.lab', RRType.DS));
  assert.ok(net.asked().slice(mark).includes(`alias.lab. ${RRType.DS}@${LAB}`), net.asked().slice(mark).join(', '));
});
