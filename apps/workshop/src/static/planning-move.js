// The planning's drag and drop. Progressive enhancement only: without this file every card is a
// link to its order, whose form moves the appointment (keyboard users keep that form too).
// A card dropped on a cell moves the appointment to that day and hour (the top half of the cell:
// on the hour; the bottom half: half past); dropped on a technician (managers), it is given to
// them. The server refuses as the forms do; its reason is shown where the card was dropped.
(() => {
  const grid = document.querySelector('.planning[data-move]');
  if (!grid) return;
  const cards = grid.querySelectorAll('a.appt[data-movable]');
  if (!cards.length) return;
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
  const lang = document.documentElement.lang === 'en' ? 'en' : 'fr';
  const techs = document.querySelector('.tech-drop');
  for (const el of [techs, document.querySelector('.drag-hint')]) if (el) el.hidden = false;

  const pad = (n) => String(n).padStart(2, '0');
  let dragged = null;
  let shown = null;

  const clearError = () => {
    shown?.remove();
    shown = null;
  };
  const showError = (target, text) => {
    clearError();
    shown = document.createElement('div');
    shown.className = 'drop-error';
    shown.setAttribute('role', 'alert');
    shown.textContent = `⚠ ${text}`;
    target.append(shown);
  };
  /** The day and time (Paris, as the page shows them) under the pointer in a cell. */
  const slotOf = (cell, e) => {
    const day = cell.closest('[data-day]')?.getAttribute('data-day');
    const hour = Number(cell.getAttribute('data-hour'));
    const box = cell.getBoundingClientRect();
    const half = e.clientY - box.top > box.height / 2 ? 30 : 0;
    return { day, time: `${pad(hour)}:${pad(half)}` };
  };

  for (const card of cards) {
    card.draggable = true;
    card.addEventListener('dragstart', (e) => {
      dragged = card;
      clearError();
      e.dataTransfer.setData('text/plain', card.getAttribute('data-number') ?? '');
      e.dataTransfer.effectAllowed = 'move';
      card.classList.add('dragging');
      grid.classList.add('is-dragging');
      techs?.classList.add('is-dragging');
    });
    card.addEventListener('dragend', () => {
      card.classList.remove('dragging');
      grid.classList.remove('is-dragging');
      techs?.classList.remove('is-dragging');
      for (const el of document.querySelectorAll('.drop-over')) {
        el.classList.remove('drop-over');
        el.removeAttribute('data-drop-at');
      }
      dragged = null;
    });
  }

  const move = async (target, body) => {
    const id = dragged?.getAttribute('data-id');
    if (!id) return;
    target.classList.add('drop-pending');
    try {
      const res = await fetch(`/api/orders/${id}/move?lang=${lang}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(body),
      });
      if (res.ok) {
        location.reload();
        return;
      }
      const answer = await res.json().catch(() => ({}));
      showError(target, answer.error ?? `${res.status}`);
    } catch {
      showError(target, lang === 'fr' ? 'le serveur ne répond pas' : 'the server does not answer');
    } finally {
      target.classList.remove('drop-pending');
    }
  };

  const accept = (target, label) => (e) => {
    if (!dragged) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    target.classList.add('drop-over');
    const text = label(e);
    if (text) target.setAttribute('data-drop-at', text);
  };
  const leave = (target) => () => {
    target.classList.remove('drop-over');
    target.removeAttribute('data-drop-at');
  };

  for (const cell of grid.querySelectorAll('.cell.slot')) {
    cell.addEventListener(
      'dragover',
      accept(cell, (e) => `→ ${slotOf(cell, e).time}`),
    );
    cell.addEventListener('dragleave', leave(cell));
    cell.addEventListener('drop', (e) => {
      if (!dragged) return;
      e.preventDefault();
      leave(cell)();
      const { day, time } = slotOf(cell, e);
      move(cell, { bookedFor: `${day}T${time}` });
    });
  }
  for (const tech of techs?.querySelectorAll('[data-tech]') ?? []) {
    tech.addEventListener(
      'dragover',
      accept(tech, () => ''),
    );
    tech.addEventListener('dragleave', leave(tech));
    tech.addEventListener('drop', (e) => {
      if (!dragged) return;
      e.preventDefault();
      leave(tech)();
      move(tech, { userId: Number(tech.getAttribute('data-tech')) });
    });
  }
})();
