// The agent desktop's softphone panel. agent.js imports this module (bundled to
// /static/softphone/mount.js) and calls mount(element, {agent, csrf, texts}).
//
// The agent's SIP settings come from the server, never from the page's URL:
// GET /api/agents/AGENT/softphone → {ws_url, sip_uri, password, display_name}
// (404 when the agent has no WebRTC device). See docs/softphone.md.

import { createSoftphone } from './softphone.js';

const TEXT = {
  sv: {
    answer: 'Svara', hangup: 'Lägg på', mute: 'Stäng av mikrofonen', unmute: 'Slå på mikrofonen',
    unavailable: 'Ingen mjuktelefon för den här agenten.',
    disconnected: 'Frånkopplad', connecting: 'Ansluter …', registered: 'Redo för samtal',
    'registration-failed': 'Inte ansluten', ringing: 'Det ringer', 'in-call': 'Samtal pågår',
    caller: 'Uppringare',
  },
  en: {
    answer: 'Answer', hangup: 'Hang up', mute: 'Mute the microphone', unmute: 'Unmute the microphone',
    unavailable: 'No softphone for this agent.',
    disconnected: 'Disconnected', connecting: 'Connecting …', registered: 'Ready for calls',
    'registration-failed': 'Not connected', ringing: 'Ringing', 'in-call': 'In a call',
    caller: 'Caller',
  },
};

function element(tag, attributes = {}, text = '') {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.textContent = text;
  return node;
}

/** Build the panel inside `root` and register the agent's softphone; returns the phone or null. */
export async function mount(root, { agent, csrf = '' } = {}) {
  const language = (document.documentElement.lang || 'sv').startsWith('en') ? 'en' : 'sv';
  const t = TEXT[language];
  const status = element('p', { role: 'status', class: 'softphone-state' }, t.disconnected);
  const message = element('p', { class: 'softphone-message' });
  const callerLine = element('p', { class: 'softphone-caller' });
  const answer = element('button', { type: 'button', class: 'softphone-answer', disabled: '' }, t.answer);
  const hangup = element('button', { type: 'button', class: 'softphone-hangup', disabled: '' }, t.hangup);
  const mute = element('button', { type: 'button', class: 'softphone-mute', 'aria-pressed': 'false', disabled: '' }, t.mute);
  const audio = element('audio', { autoplay: '' });
  root.replaceChildren(status, callerLine, message, answer, hangup, mute, audio);

  const response = await fetch(`/api/agents/${encodeURIComponent(agent)}/softphone`, {
    credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf },
  });
  if (!response.ok) {
    status.textContent = t.unavailable;
    root.replaceChildren(status);
    return null;
  }
  const settings = await response.json();
  const phone = createSoftphone({
    wsUrl: settings.ws_url,
    sipUri: settings.sip_uri,
    password: settings.password,
    displayName: settings.display_name,
    audioElement: audio,
    language,
    onState: (state, detail) => {
      status.textContent = t[state] || state;
      message.textContent = detail.message || '';
      answer.disabled = state !== 'ringing';
      hangup.disabled = state !== 'ringing' && state !== 'in-call';
      mute.disabled = state !== 'in-call';
      if (state !== 'in-call') {
        mute.setAttribute('aria-pressed', 'false');
        mute.textContent = t.mute;
      }
      const calling = state === 'ringing' || state === 'in-call';
      callerLine.textContent = calling && detail.caller ? `${t.caller}: ${detail.caller.number}` : '';
    },
  });
  answer.addEventListener('click', () => phone.answer());
  hangup.addEventListener('click', () => phone.hangup());
  mute.addEventListener('click', () => {
    const muted = mute.getAttribute('aria-pressed') !== 'true';
    phone.mute(muted);
    mute.setAttribute('aria-pressed', String(muted));
    mute.textContent = muted ? t.unmute : t.mute;
  });
  phone.register();
  return phone;
}
