/*** MODULEINFO
	<provides type="codec">ulaw</provides>
	<support_level>core</support_level>
	<description>mu-Law Coder/Decoder</description>
 ***/

// G.711 mu-law: 16-bit linear PCM to 8-bit mu-law and back. The sample set's .mjs module (the
// loader imports .js and .mjs binaries as ES modules, with a fresh URL each time).

const BIAS = 0x84;
const CLIP = 32635;

/** One 16-bit linear sample to its mu-law byte. */
export function encodeSample(sample) {
  const sign = sample < 0 ? 0x80 : 0;
  const magnitude = Math.min(Math.abs(sample), CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent -= 1;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** One mu-law byte to its 16-bit linear sample. */
export function decodeSample(byte) {
  const inverted = ~byte & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const magnitude = ((((inverted & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return inverted & 0x80 ? -magnitude : magnitude;
}

/** @param {import('../src/core/types.js').ModuleContext} ctx */
export function load(ctx) {
  ctx.register('codec', 'ulaw', {
    /** Int16Array of linear samples -> Uint8Array of mu-law bytes. */
    encode: (samples) => Uint8Array.from(samples, encodeSample),
    /** Uint8Array of mu-law bytes -> Int16Array of linear samples. */
    decode: (bytes) => Int16Array.from(bytes, decodeSample),
  });
}
