import type { Expression } from './expression.js';
import type { Arg, Model } from './model.js';
import { escapeXml } from './xml.js';

/** Writes a model as Open-PSA MEF XML (nested formulas kept as written). */
export function writeMef(model: Model): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opsa-mef${model.name ? ` name="${escapeXml(model.name)}"` : ''}>`,
  ];
  const ind = (n: number) => '  '.repeat(n);
  const arg = (a: Arg, d: number): void => {
    if (a.type === 'constant') out.push(`${ind(d)}<constant value="${a.value}"/>`);
    else if (a.type === 'ref') out.push(`${ind(d)}<${a.kind} name="${escapeXml(a.name)}"/>`);
    else {
      const attrs = `${a.min !== undefined ? ` min="${a.min}"` : ''}${a.max !== undefined ? ` max="${a.max}"` : ''}`;
      if (a.op === 'null' && d > 3) {
        // a null inside a formula is just its argument
        arg(a.args[0], d);
        return;
      }
      out.push(`${ind(d)}<${a.op}${attrs}>`);
      for (const x of a.args) arg(x, d + 1);
      out.push(`${ind(d)}</${a.op}>`);
    }
  };
  const expr = (e: Expression, d: number): void => {
    switch (e.kind) {
      case 'const':
        out.push(`${ind(d)}<float value="${e.value}"/>`);
        return;
      case 'param':
        out.push(`${ind(d)}<parameter name="${escapeXml(e.name)}"/>`);
        return;
      case 'mission-time':
        out.push(`${ind(d)}<system-mission-time/>`);
        return;
      case 'fn':
        out.push(`${ind(d)}<${e.fn}>`);
        for (const x of e.args) expr(x, d + 1);
        out.push(`${ind(d)}</${e.fn}>`);
    }
  };
  out.push(`  <define-fault-tree name="${escapeXml(model.name ?? 'FaultTree')}">`);
  for (const g of model.gates.values()) {
    out.push(`    <define-gate name="${escapeXml(g.name)}">`);
    const f = g.formula;
    // a null gate is written as its lone argument, which MEF reads back as the same gate
    if (f.op === 'null' && f.args[0].type !== 'formula') arg(f.args[0], 3);
    else arg(f, 3);
    out.push('    </define-gate>');
  }
  out.push('  </define-fault-tree>');
  out.push('  <model-data>');
  for (const b of model.basicEvents.values()) {
    if (!b.expression && !b.label) {
      out.push(`    <define-basic-event name="${escapeXml(b.name)}"/>`);
      continue;
    }
    out.push(`    <define-basic-event name="${escapeXml(b.name)}">`);
    if (b.label) out.push(`      <label>${escapeXml(b.label)}</label>`);
    if (b.expression) expr(b.expression, 3);
    out.push('    </define-basic-event>');
  }
  for (const h of model.houseEvents.values())
    out.push(
      `    <define-house-event name="${escapeXml(h.name)}">`,
      `      <constant value="${h.state}"/>`,
      '    </define-house-event>',
    );
  for (const p of model.parameters.values()) {
    out.push(`    <define-parameter name="${escapeXml(p.name)}">`);
    expr(p.expression, 3);
    out.push('    </define-parameter>');
  }
  out.push('  </model-data>');
  for (const g of model.ccfGroups) {
    out.push(`  <define-CCF-group name="${escapeXml(g.name)}" model="${g.model}">`, '    <members>');
    for (const m of g.members) out.push(`      <basic-event name="${escapeXml(m)}"/>`);
    out.push('    </members>', '    <distribution>');
    expr(g.distribution, 3);
    out.push('    </distribution>', '    <factors>');
    for (const f of g.factors) {
      out.push(`      <factor level="${f.level}">`);
      expr(f.expression, 4);
      out.push('      </factor>');
    }
    out.push('    </factors>', '  </define-CCF-group>');
  }
  out.push('</opsa-mef>', '');
  return out.join('\n');
}
