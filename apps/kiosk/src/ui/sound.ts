/**
 * A beep on approve (two rising notes) and decline (one low buzz), made with
 * WebAudio: no sound files to ship. A bar is loud, so the notes are short and
 * distinct rather than loud. Browsers start audio only after a user gesture
 * unless the shell allows it (Electron: autoplay switch; Chromium kiosk:
 * --autoplay-policy=no-user-gesture-required); without it the till stays silent.
 */
let context: AudioContext | null = null;

const NOTES: Record<'approve' | 'decline', Array<{ hz: number; ms: number; type: OscillatorType }>> = {
  approve: [
    { hz: 880, ms: 90, type: 'sine' },
    { hz: 1320, ms: 140, type: 'sine' },
  ],
  decline: [{ hz: 220, ms: 380, type: 'square' }],
};

export function beep(kind: 'approve' | 'decline'): void {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    let at = context.currentTime;
    for (const note of NOTES[kind]) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = note.type;
      oscillator.frequency.value = note.hz;
      gain.gain.setValueAtTime(0.25, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + note.ms / 1000);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + note.ms / 1000);
      at += note.ms / 1000;
    }
  } catch {
    // No audio device (a headless test, a till without speakers): the screen says it all.
  }
}
