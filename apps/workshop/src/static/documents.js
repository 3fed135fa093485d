// Documents: the print button, and the customer's signature drawn on the tablet (progressive:
// without this script the agreement is recorded by phone or e-mail; inline handlers are forbidden
// by the content security policy).
(() => {
  for (const b of document.querySelectorAll('[data-print]'))
    b.addEventListener('click', () => window.print());

  for (const form of document.querySelectorAll('form[data-signature-form]')) {
    const pad = form.querySelector('[data-signature-pad]');
    const canvas = pad?.querySelector('canvas');
    const out = form.querySelector('input[name="signature"]');
    if (!pad || !canvas || !out) continue;
    const ctx = canvas.getContext('2d');
    let drawn = false;
    let last = null;
    const clear = () => {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      out.value = '';
    };
    const point = (e) => {
      const r = canvas.getBoundingClientRect();
      return {
        x: ((e.clientX - r.left) * canvas.width) / r.width,
        y: ((e.clientY - r.top) * canvas.height) / r.height,
      };
    };
    const show = () => {
      const method = form.querySelector('input[name="method"]:checked')?.value;
      pad.hidden = method !== 'signature';
    };
    clear();
    show();
    for (const r of form.querySelectorAll('input[name="method"]')) r.addEventListener('change', show);
    canvas.style.touchAction = 'none';
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      last = point(e);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!last) return;
      const p = point(e);
      ctx.strokeStyle = '#123';
      ctx.lineWidth = 2.5;
      ctx.lineCap = 'round';
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
      drawn = true;
    });
    const end = () => {
      last = null;
      if (drawn) out.value = canvas.toDataURL('image/png');
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    pad.querySelector('[data-signature-clear]')?.addEventListener('click', clear);
    form.addEventListener('submit', (e) => {
      const method = form.querySelector('input[name="method"]:checked')?.value;
      if (method === 'signature' && !drawn) {
        e.preventDefault();
        canvas.focus();
        pad.classList.add('missing');
      }
    });
  }
})();
