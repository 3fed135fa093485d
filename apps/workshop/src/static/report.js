// The report's print button (inline handlers are forbidden by the content security policy).
for (const b of document.querySelectorAll('[data-print]')) b.addEventListener('click', () => window.print());
