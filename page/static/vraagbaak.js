() => {
  // The page's own behaviour, on top of Gradio: citations that lead to their source, one copy action,
  // the download of the conversation, the Dossier tab on a phone. Everything stays in this page: no
  // request leaves it except Gradio's own to the page process.
  document.documentElement.lang = 'nl';
  // Gradio 6's pop-ups ignore the title of gr.Error/gr.Warning and say "Error"/"Warning"/"Info".
  const dutchTitles = {
    Error: 'Let op', Warning: 'Let op', Info: 'Melding', 'Connection Lost': 'Verbinding verbroken',
  };
  new MutationObserver(() => document.querySelectorAll('.toast-title').forEach((t) => {
    const dutch = dutchTitles[t.textContent.trim()];
    if (dutch) t.textContent = dutch;
  })).observe(document.body, { childList: true, subtree: true });
  const phone = () => window.matchMedia('(max-width: 640px)').matches;
  const headerHeight = () => {
    const kop = document.querySelector('#kop');
    return phone() && kop ? kop.getBoundingClientRect().height : 0;
  };

  function flash(el) {
    el.classList.add('actief');
    setTimeout(() => el.classList.remove('actief'), 2500);
  }

  // Scroll `el` into the part of the screen that header and question bar leave free, and focus it.
  function bringIntoView(el, where) {
    el.scrollIntoView({ block: where || 'center', inline: 'nearest' });
    if (el.hasAttribute('tabindex')) el.focus({ preventScroll: true });
    flash(el);
  }

  function copyText(text) {
    if (!text) return false;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text);
      return true;
    }
    const t = document.createElement('textarea');
    t.value = text; t.setAttribute('readonly', ''); t.style.position = 'fixed'; t.style.opacity = '0';
    document.body.appendChild(t); t.select(); document.execCommand('copy'); t.remove();
    return true;
  }

  function say(text) {
    let live = document.querySelector('#vraagbaak-melding');
    if (!live) {
      live = document.createElement('div');
      live.id = 'vraagbaak-melding'; live.className = 'sr-only';
      live.setAttribute('role', 'status'); live.setAttribute('aria-live', 'polite');
      document.body.appendChild(live);
    }
    live.textContent = '';
    setTimeout(() => { live.textContent = text; }, 50);
  }

  function openInDossier(target) {
    const box = document.querySelector('#dossier-doel textarea, #dossier-doel input');
    const go = document.querySelector('#dossier-open');
    if (!box || !go) return;
    box.value = target + '#' + Date.now();  // a new value each time: the same source can be opened twice
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => go.click(), 0);
  }

  document.addEventListener('click', (event) => {
    const el = event.target instanceof Element ? event.target : null;
    if (!el) return;
    const cite = el.closest('#gesprek a.bronverwijzing');
    if (cite) {
      const source = document.getElementById(cite.getAttribute('href').slice(1));
      if (source) { event.preventDefault(); bringIntoView(source, 'center'); }
      return;
    }
    const open = el.closest('#gesprek button.naar-dossier');
    if (open) {
      event.preventDefault();
      openInDossier(open.id.replace('naar-dossier-', ''));
      return;
    }
    const copy = el.closest('#gesprek button.kopieer');
    if (copy) {
      event.preventDefault();
      const message = copy.closest('.message-content') || copy.closest('.message');
      const plain = message && message.querySelector('.platte-tekst');
      if (copyText(plain ? plain.textContent : '')) {
        copy.classList.add('gekopieerd');
        setTimeout(() => copy.classList.remove('gekopieerd'), 2000);
        say('Het antwoord staat op het klembord, met de bronnen.');
      }
    }
  }, true);

  window.vraagbaak = {
    copy: copyText,
    download(text) {
      if (!text) return false;
      const now = new Date();
      const pad = (n) => String(n).padStart(2, '0');
      const name = `vraagbaak-gesprek-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-` +
        `${pad(now.getHours())}${pad(now.getMinutes())}.txt`;
      const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      return true;
    },
    // After an answer: the newest question at the top of what the reader sees.
    showNewest() {
      setTimeout(() => {
        const users = document.querySelectorAll('#gesprek [data-testid="user"]');
        const last = users[users.length - 1];
        if (!last) return;
        const wrap = last.closest('.bubble-wrap, .panel-wrap');
        if (wrap && wrap.scrollHeight > wrap.clientHeight + 1) {
          wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 52;  // below the clear button
        } else {
          window.scrollBy(0, last.getBoundingClientRect().top - headerHeight() - 8);
        }
      }, 80);
    },
    // After "Open in dossier" or a search: the passage (or first hit) and its table-of-contents entry in view.
    showPassage() {
      setTimeout(() => {
        collapseToc();
        const chosen = document.querySelector('#inhoud input:checked');
        const list = chosen && chosen.closest('.wrap');
        if (list) list.scrollTop += chosen.getBoundingClientRect().top - list.getBoundingClientRect().top - 40;
        const spot = document.querySelector('#hoofdstuk #passage, #hoofdstuk #treffer');
        if (spot) bringIntoView(spot, 'center');
      }, 120);
    },
  };

  // On a phone the table of contents starts folded above the text (once: the officer may open it).
  const folded = new WeakSet();
  function collapseToc() {
    const toc = document.querySelector('#inhoud-vak button.label-wrap');
    if (!phone() || !toc || folded.has(toc)) return;
    folded.add(toc);
    if (toc.classList.contains('open')) toc.click();
  }
  document.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('[role="tab"]')) setTimeout(collapseToc, 60);
  });

  // A phone opens on the question and the number; the keyboard would cover both, so no autofocus there.
  const start = () => {
    const box = document.querySelector('#vraag textarea');
    if (!box) { setTimeout(start, 100); return; }
    if (!phone()) box.focus({ preventScroll: true });
  };
  start();
}
