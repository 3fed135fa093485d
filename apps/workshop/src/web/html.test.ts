import { describe, expect, it } from 'vitest';
import { escapeHtml, html, jsonScript, raw } from './html.js';

describe('html templates', () => {
  it('escapes every interpolated value by default', () => {
    const evil = `<script>alert("x")</script>&'`;
    expect(html`<p>${evil}</p>`.value).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
    expect(html`<a title="${evil}">`.value).not.toContain('"x"');
  });
  it('nests templates without double escaping, and joins arrays', () => {
    const items = ['<b>', 'ok'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>&lt;b&gt;</li><li>ok</li></ul>');
    expect(html`${raw('<hr>')}`.value).toBe('<hr>');
  });
  it('renders nothing for null, undefined and booleans', () => {
    expect(html`[${null}${undefined}${false}${true}${0}]`.value).toBe('[0]');
  });
  it('keeps JSON in a script block from closing it', () => {
    expect(jsonScript({ a: '</script><script>alert(1)</script>' }).value).not.toContain('</script>');
    expect(escapeHtml('plain')).toBe('plain');
  });
});
