// The agents' WebRTC softphone: a small layer over JsSIP that registers the
// agent's PJSIP endpoint over Asterisk's websocket, rings on an incoming call
// and plays the call's audio in an <audio> element. API: docs/softphone.md.
//
// Bundled by `make softphone` (esbuild) into ccctl/web/static/softphone/
// softphone.js, which exposes `window.CcctlSoftphone.createSoftphone`.

import JsSIP from 'jssip';

// Why a call ended or registration failed, for people (JsSIP.C.causes → text).
const MESSAGES = {
  'Connection Error': {
    sv: 'Kan inte nå telefonisystemet (websocket). Kontrollera adressen och nätverket.',
    en: 'Cannot reach the phone system (websocket). Check the address and the network.',
  },
  'Authentication Error': {
    sv: 'Fel användarnamn eller lösenord för telefonen.',
    en: 'Wrong user name or password for the phone.',
  },
  'Request Timeout': {
    sv: 'Telefonisystemet svarade inte i tid.',
    en: 'The phone system did not answer in time.',
  },
  'User Denied Media Access': {
    sv: 'Webbläsaren fick inte använda mikrofonen.',
    en: 'The browser was not allowed to use the microphone.',
  },
  'Canceled': { sv: 'Den som ringde lade på.', en: 'The caller hung up.' },
  'Terminated': { sv: 'Samtalet avslutades.', en: 'The call ended.' },
  'Busy': { sv: 'Upptaget.', en: 'Busy.' },
  'Rejected': { sv: 'Samtalet avvisades.', en: 'The call was rejected.' },
  'No Answer': { sv: 'Inget svar.', en: 'No answer.' },
  'Unavailable': { sv: 'Inte tillgänglig.', en: 'Unavailable.' },
  'RTP Timeout': { sv: 'Ljudet bröts.', en: 'The audio was lost.' },
  'SIP Failure Code': {
    sv: 'Telefonisystemet avvisade begäran.',
    en: 'The phone system refused the request.',
  },
  'WebRTC Error': {
    sv: 'Webbläsaren kunde inte starta ljudet (WebRTC).',
    en: 'The browser could not start the audio (WebRTC).',
  },
};
const FALLBACK = { sv: 'Okänt fel.', en: 'Unknown error.' };

const STATES = Object.freeze({
  DISCONNECTED: 'disconnected', // not started, or stopped
  CONNECTING: 'connecting', // websocket up or coming up, not yet registered
  REGISTERED: 'registered', // ready for calls
  FAILED: 'registration-failed', // see the registrationFailed event's message
  RINGING: 'ringing', // an incoming call waits for answer()
  IN_CALL: 'in-call', // answered, media flowing
});

/** Both languages' text for a JsSIP cause, plus the one asked for. */
function describe(cause, language) {
  const messages = MESSAGES[cause] || FALLBACK;
  return { cause, message: messages[language] || messages.en, messages };
}

/**
 * Create a softphone (nothing connects until register()).
 *
 * @param {object} options
 * @param {string} options.wsUrl  Asterisk's websocket, e.g. ws://127.0.0.1:8088/ws
 * @param {string} options.sipUri the agent's SIP URI, e.g. sip:elin@127.0.0.1
 * @param {string} options.password the agent's SIP password
 * @param {string} [options.displayName]
 * @param {string} [options.authorizationUser] digest user (default: the URI's user)
 * @param {HTMLAudioElement} [options.audioElement] plays the caller's audio
 * @param {(state: string, detail: object) => void} [options.onState]
 * @param {'sv'|'en'} [options.language] language of the messages (default sv)
 * @param {RTCIceServer[]} [options.iceServers] default none: Asterisk offers host candidates
 */
export function createSoftphone(options) {
  const language = options.language || 'sv';
  const handlers = new Map();
  let ua = null;
  let session = null;
  let state = STATES.DISCONNECTED;
  let lastRegistrationFailure = null;
  const pcConfig = { iceServers: options.iceServers || [], rtcpMuxPolicy: 'require' };

  function emit(event, detail) {
    for (const handler of handlers.get(event) || []) {
      try {
        handler(detail);
      } catch (error) {
        console.error('softphone: a handler for', event, 'failed', error);
      }
    }
  }

  function setState(next, detail = {}) {
    state = next;
    if (options.onState) {
      options.onState(next, detail);
    }
    emit('state', { state: next, ...detail });
  }

  function attachAudio(peerConnection) {
    peerConnection.addEventListener('track', (event) => {
      if (options.audioElement && event.streams[0]) {
        options.audioElement.srcObject = event.streams[0];
        options.audioElement.play().catch(() => {
          // Autoplay may be refused before the page was clicked; answer() is a click.
        });
      }
    });
  }

  function onNewSession({ originator, session: incoming }) {
    if (originator !== 'remote') {
      return;
    }
    if (session) {
      // One call at a time: a second offer is busy (the queue tries someone else).
      incoming.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
      return;
    }
    session = incoming;
    const identity = incoming.remote_identity;
    const caller = { number: identity.uri.user, displayName: identity.display_name || '' };
    incoming.on('peerconnection', (event) => attachAudio(event.peerconnection));
    incoming.on('confirmed', () => {
      setState(STATES.IN_CALL, { caller });
      emit('established', { caller });
    });
    const finish = (event) => {
      if (session !== incoming) {
        return;
      }
      session = null;
      if (options.audioElement) {
        options.audioElement.srcObject = null;
      }
      const detail = { caller, originator: event.originator, ...describe(event.cause, language) };
      setState(ua && ua.isRegistered() ? STATES.REGISTERED : STATES.CONNECTING, detail);
      emit('ended', detail);
    };
    incoming.on('ended', finish);
    incoming.on('failed', finish);
    setState(STATES.RINGING, { caller });
    emit('incoming', { caller });
  }

  function register() {
    if (ua) {
      ua.register();
      return;
    }
    JsSIP.debug.disable('JsSIP:*');
    ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(options.wsUrl)],
      uri: options.sipUri,
      password: options.password,
      display_name: options.displayName,
      authorization_user: options.authorizationUser,
      register: true,
      session_timers: false,
      user_agent: 'ccctl-softphone',
    });
    ua.on('connecting', () => setState(STATES.CONNECTING));
    ua.on('registered', () => {
      lastRegistrationFailure = null;
      setState(STATES.REGISTERED);
      emit('registered', {});
    });
    ua.on('unregistered', () => {
      if (state !== STATES.FAILED) {
        setState(STATES.CONNECTING);
      }
    });
    ua.on('registrationFailed', (event) => {
      const detail = describe(event.cause, language);
      lastRegistrationFailure = detail;
      setState(STATES.FAILED, detail);
      emit('registrationFailed', detail);
    });
    ua.on('disconnected', () => {
      // JsSIP reconnects by itself; report the outage once, as a registration failure
      // (not after stop(), which clears ua first).
      if (ua && state !== STATES.FAILED) {
        const detail = describe('Connection Error', language);
        lastRegistrationFailure = detail;
        setState(STATES.FAILED, detail);
        emit('registrationFailed', detail);
      }
    });
    ua.on('newRTCSession', onNewSession);
    setState(STATES.CONNECTING);
    ua.start();
  }

  function answer() {
    if (!session || state !== STATES.RINGING) {
      throw new Error('softphone: no call is ringing');
    }
    session.answer({
      mediaConstraints: { audio: true, video: false },
      pcConfig,
    });
  }

  function hangup() {
    if (session && !session.isEnded()) {
      session.terminate();
    }
  }

  function mute(on) {
    if (!session) {
      return;
    }
    if (on) {
      session.mute({ audio: true });
    } else {
      session.unmute({ audio: true });
    }
    emit('mute', { muted: Boolean(on) });
  }

  function sendDtmf(digits) {
    if (session && state === STATES.IN_CALL) {
      session.sendDTMF(digits, { transportType: 'RFC2833' });
    }
  }

  /** Packet counters of the call's audio (null without a call), from getStats(). */
  async function audioStats() {
    const connection = session && session.connection;
    if (!connection) {
      return null;
    }
    const result = {
      connectionState: connection.connectionState, // 'connected' once ICE and DTLS are up
      inbound: { packetsReceived: 0, bytesReceived: 0, packetsLost: 0, jitter: 0 },
      outbound: { packetsSent: 0, bytesSent: 0 },
    };
    const report = await connection.getStats();
    report.forEach((entry) => {
      if (entry.kind !== 'audio' && entry.mediaType !== 'audio') {
        return;
      }
      if (entry.type === 'inbound-rtp') {
        result.inbound = {
          packetsReceived: entry.packetsReceived || 0,
          bytesReceived: entry.bytesReceived || 0,
          packetsLost: entry.packetsLost || 0,
          jitter: entry.jitter || 0,
        };
      } else if (entry.type === 'outbound-rtp') {
        result.outbound = { packetsSent: entry.packetsSent || 0, bytesSent: entry.bytesSent || 0 };
      }
    });
    return result;
  }

  function stop() {
    hangup();
    const stopping = ua;
    ua = null;
    if (stopping) {
      stopping.stop();
    }
    setState(STATES.DISCONNECTED);
  }

  function on(event, handler) {
    if (!handlers.has(event)) {
      handlers.set(event, new Set());
    }
    handlers.get(event).add(handler);
    return () => handlers.get(event).delete(handler);
  }

  return {
    register,
    answer,
    hangup,
    mute,
    sendDtmf,
    audioStats,
    stop,
    on,
    get state() {
      return state;
    },
    get caller() {
      if (!session) {
        return null;
      }
      const identity = session.remote_identity;
      return { number: identity.uri.user, displayName: identity.display_name || '' };
    },
    get peerConnection() {
      return session ? session.connection || null : null;
    },
    get lastRegistrationFailure() {
      return lastRegistrationFailure;
    },
  };
}

export { STATES };
