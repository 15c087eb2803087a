/** One note; times in seconds. */
export interface MidiNote {
  startS: number;
  lengthS: number;
  /** 0..15; channel 9 is the GM drum kit. */
  channel: number;
  /** MIDI note number, 60 = middle C. */
  note: number;
  /** 1..127. */
  velocity: number;
}

/** A channel message at `atS` seconds: a program change, a controller. */
export interface MidiMessage {
  atS: number;
  /** Status byte and data bytes, e.g. [0xc0 | channel, program]. */
  data: number[];
}

/** 1 tick = 0.5 ms: the file's tempo is only a clock, sequences give times in seconds. */
const TICKS_PER_BEAT = 1000;
const US_PER_BEAT = 500_000;
const ticksOf = (seconds: number) => Math.round((seconds * 1e6 * TICKS_PER_BEAT) / US_PER_BEAT);

function variableLength(value: number): number[] {
  const bytes = [value & 0x7f];
  for (let v = value >>> 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80);
  return bytes;
}

/**
 * A format-0 Standard MIDI File playing the notes and messages, and lasting until `endS` (a
 * controller nobody listens to then, so that players render release tails until there).
 */
export function midiFileBytes(
  notes: MidiNote[],
  messages: MidiMessage[],
  endS: number,
): Uint8Array {
  const events: { tick: number; order: number; data: number[] }[] = [
    {
      tick: 0,
      order: 0,
      data: [0xff, 0x51, 3, US_PER_BEAT >> 16, (US_PER_BEAT >> 8) & 0xff, US_PER_BEAT & 0xff],
    },
  ];
  for (const m of messages) events.push({ tick: ticksOf(m.atS), order: 1, data: m.data });
  for (const n of notes) {
    const on = ticksOf(n.startS);
    const off = Math.max(on + 1, ticksOf(n.startS + n.lengthS));
    events.push({ tick: on, order: 3, data: [0x90 | n.channel, n.note, n.velocity] });
    events.push({ tick: off, order: 2, data: [0x80 | n.channel, n.note, 0] });
  }
  const endTick = ticksOf(endS);
  events.push({ tick: endTick, order: 4, data: [0xb0, 0x66, 0] });
  events.push({ tick: endTick, order: 5, data: [0xff, 0x2f, 0] });
  events.sort((a, b) => a.tick - b.tick || a.order - b.order);

  const track: number[] = [];
  let tick = 0;
  for (const event of events) {
    track.push(...variableLength(event.tick - tick), ...event.data);
    tick = event.tick;
  }
  const n = track.length;
  const header = [
    0x4d,
    0x54,
    0x68,
    0x64,
    0,
    0,
    0,
    6,
    0,
    0,
    0,
    1,
    TICKS_PER_BEAT >> 8,
    TICKS_PER_BEAT & 0xff,
  ];
  const chunk = [0x4d, 0x54, 0x72, 0x6b, n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([...header, ...chunk, ...track]);
}
