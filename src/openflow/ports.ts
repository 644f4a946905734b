/**
 * OpenFlow port numbers between the 16-bit space of OpenFlow 1.0 and NXM (`ofp_port`, reserved ports
 * 0xff00 up) and the 32-bit space of OpenFlow 1.1 on (`ofp11_port`, reserved ports 0xffffff00 up), as Open
 * vSwitch's ofputil_port_from_ofp11() / ofputil_port_to_ofp11() map them. The one place of this conversion for
 * the binary codec and the text layer.
 *
 * @module
 */

/** A 16-bit OpenFlow 1.0 port in the 32-bit space (reserved ports 0xff00 up to 0xffffff00 up; OpenFlow 1.1 §A.2.1). */
export function port16to32(p: number): number {
  return p >= 0xff00 ? (p + 0xffff0000) >>> 0 : p;
}

/**
 * A 32-bit port in the 16-bit OpenFlow 1.0 space (reserved ports 0xffffff00 up to 0xff00 up). A port of
 * neither space (0x10000 to 0xffffff00) is returned as it is, for the caller's range check to refuse.
 */
export function port32to16(p: number): number {
  return p >= 0xffffff00 ? p - 0xffff0000 : p;
}
