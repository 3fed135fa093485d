import { readFileSync } from 'node:fs';
import { compile, mergeModels, productsOf, readMef } from '@atelier/fault-tree';

const S = '/usr/share/scram/input/';
for (const files of [
  ['Baobab/baobab1.xml', 'Baobab/baobab1-basic-events.xml'],
  ['CEA9601/CEA9601.xml', 'CEA9601/CEA9601-basic-events.xml'],
]) {
  const { model } = mergeModels(files.map((f) => readMef(readFileSync(S + f, 'utf8'), f)));
  for (const o of (process.argv[2] ?? 'depth-first,events-first').split(',')) {
    let t = performance.now();
    const c = compile(model, { variableOrder: o as 'depth-first' });
    const tc = (performance.now() - t) / 1000;
    t = performance.now();
    const p = productsOf(c);
    console.log(
      files[0],
      o,
      'compile',
      tc.toFixed(2),
      c.bdd.size,
      'zbdd',
      ((performance.now() - t) / 1000).toFixed(2),
      p.zbdd.nodes.size,
      p.zbdd.count(p.root),
    );
  }
}
