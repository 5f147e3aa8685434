/**
 * The few DER (ASN.1) encodings an X.509 certificate needs, as plain functions returning bytes.
 * Pure. Only what certificates.ts writes is here: no parser, no general ASN.1 library (one such
 * library cost every launch 15 MiB of memory).
 */
export declare const sequence: (...items: Buffer[]) => Buffer;
export declare const set: (...items: Buffer[]) => Buffer;
export declare const octetString: (bytes: Buffer) => Buffer;
export declare const utf8String: (text: string) => Buffer;
export declare const boolean: (value: boolean) => Buffer;
/** [n] EXPLICIT: wraps a whole element. */
export declare const explicit: (n: number, inner: Buffer) => Buffer;
/** [n] IMPLICIT primitive: replaces the tag of a primitive's contents. */
export declare const implicit: (n: number, contents: Buffer) => Buffer;
/** A non-negative INTEGER from its big-endian magnitude (a 0x00 prefix keeps it positive). */
export declare function unsignedInteger(magnitude: Buffer): Buffer;
export declare const smallInteger: (value: number) => Buffer;
export declare function objectIdentifier(dotted: string): Buffer;
/** A BIT STRING of whole bytes (no unused bits). */
export declare const bitString: (bytes: Buffer) => Buffer;
/**
 * A named-bit BIT STRING (KeyUsage) from the numbers of the bits set; DER drops trailing zero
 * bits and counts them as unused.
 */
export declare function namedBits(bits: readonly number[]): Buffer;
/** UTCTime through 2049, GeneralizedTime after (RFC 5280), whole seconds. */
export declare function time(date: Date): Buffer;
/**
 * An ECDSA signature as X.509 carries it (SEQUENCE of r and s) from WebCrypto's form (r and s as
 * two fixed-size halves).
 */
export declare function ecdsaSignature(raw: Buffer): Buffer;
