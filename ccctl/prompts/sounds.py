"""Asterisk's own standard sounds in Swedish, synthesised (Asterisk ships none).

``install_sounds(dir)`` writes every file of
:func:`ccctl.prompts.standard.asterisk_sounds` (``digits/…``, ``queue-…``,
a few ``vm-…``) into ``dir`` — for the sandbox image that is
``/usr/share/asterisk/sounds/sv``. It is idempotent: a stamp file records a
hash of the texts, the synthesiser and the pipeline; when it matches, nothing
is done. Each file is written atomically; files already in ``dir`` that ccctl
does not make are left alone, so an organisation's own Swedish recordings of
the same sounds can live beside them (they are replaced only when the texts
or tools change — keep own recordings in a separate language directory).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ccctl.prompts import audio, synth
from ccctl.prompts.standard import asterisk_sounds

log = logging.getLogger(__name__)

STAMP = ".ccctl-sounds"
LANGUAGE = "sv"


def stamp_text() -> str:
    """What the stamp holds: changes whenever the output would."""
    engine = synth.engine(LANGUAGE)
    parts = {"pipeline": audio.TARGET_LUFS, "engine": engine.name,
             "version": engine.version, "sounds": asterisk_sounds()}
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"ccctl standard sounds ({LANGUAGE}), {engine.name} {engine.version}\n{digest}\n"


def install_sounds(target: Path) -> bool:
    """Synthesise the Swedish standard sounds into ``target``; False if already there."""
    stamp = target / STAMP
    wanted = stamp_text()
    if stamp.exists() and stamp.read_text() == wanted:
        return False
    sounds = asterisk_sounds()
    log.info("writing %d Swedish standard sounds into %s", len(sounds), target)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(lambda item: synth.synthesize(item[1], LANGUAGE, target / f"{item[0]}.wav"),
                      sorted(sounds.items())))
    for directory in (target, *{(target / name).parent for name in sounds}):
        directory.chmod(0o755)
    stamp.write_text(wanted)
    return True
