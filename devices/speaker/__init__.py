"""The hall's speaker: a call's text → syllables (speech), audio (pcm), voices (espeak, clips, tones) and outputs.

docs/hall.md describes the drivers; daemon/units/speaker.py runs them under the daemon.
"""

__all__: list[str] = []
