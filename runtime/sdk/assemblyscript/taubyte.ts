// taubyte.ts: the taubyte/sdk host functions for AssemblyScript functions built by jtau.
// The AssemblyScript builder adds this file as assembly/taubyte.ts when the sources have none:
//   import { eventHttpWrite, eventHttpRetCode } from "./taubyte";
// Every function returns an errno (0 = success) unless noted; pointers are linear-memory addresses.

@external("taubyte/sdk", "getEventType")
export declare function getEventType(event: u32, typePtr: usize): void;

@external("taubyte/sdk", "getHttpEventMethodSize")
export declare function getHttpEventMethodSize(event: u32, sizePtr: usize): u32;
@external("taubyte/sdk", "getHttpEventMethod")
export declare function getHttpEventMethod(event: u32, buf: usize, len: u32): u32;
@external("taubyte/sdk", "getHttpEventHostSize")
export declare function getHttpEventHostSize(event: u32, sizePtr: usize): u32;
@external("taubyte/sdk", "getHttpEventHost")
export declare function getHttpEventHost(event: u32, buf: usize, len: u32): u32;
@external("taubyte/sdk", "getHttpEventPathSize")
export declare function getHttpEventPathSize(event: u32, sizePtr: usize): u32;
@external("taubyte/sdk", "getHttpEventPath")
export declare function getHttpEventPath(event: u32, buf: usize, len: u32): u32;
// Note the order: the size pointer comes before the key.
@external("taubyte/sdk", "getHttpEventHeadersSize")
export declare function getHttpEventHeadersSize(event: u32, sizePtr: usize, key: usize, keyLen: u32): u32;
@external("taubyte/sdk", "getHttpEventHeaders")
export declare function getHttpEventHeaders(event: u32, key: usize, keyLen: u32, buf: usize, len: u32): u32;
@external("taubyte/sdk", "getHttpEventQueryValueByNameSize")
export declare function getHttpEventQueryValueByNameSize(event: u32, sizePtr: usize, key: usize, keyLen: u32): u32;
@external("taubyte/sdk", "getHttpEventQueryValueByName")
export declare function getHttpEventQueryValueByName(event: u32, key: usize, keyLen: u32, buf: usize, len: u32): u32;
// Read loop: returns 8 (EOF) at the end of the body; the count of bytes read is written at countPtr.
@external("taubyte/sdk", "readHttpEventBody")
export declare function readHttpEventBody(event: u32, buf: usize, len: u32, countPtr: usize): u32;
@external("taubyte/sdk", "closeHttpEventBody")
export declare function closeHttpEventBody(event: u32): u32;

@external("taubyte/sdk", "eventHttpWrite")
export declare function eventHttpWrite(event: u32, buf: usize, len: u32, writtenPtr: usize): u32;
@external("taubyte/sdk", "eventHttpFlush")
export declare function eventHttpFlush(event: u32): u32;
@external("taubyte/sdk", "eventHttpRetCode")
export declare function eventHttpRetCode(event: u32, code: u32): u32;
@external("taubyte/sdk", "eventHttpHeaderAdd")
export declare function eventHttpHeaderAdd(event: u32, key: usize, keyLen: u32, val: usize, valLen: u32): u32;
@external("taubyte/sdk", "eventHttpRedirect")
export declare function eventHttpRedirect(event: u32, url: usize, urlLen: u32, code: u32): u32;

/** Writes a string (UTF-8) to the response. */
export function writeString(event: u32, text: string): u32 {
  const bytes = String.UTF8.encode(text);
  const n = memory.data(8);
  return eventHttpWrite(event, changetype<usize>(bytes), bytes.byteLength, n);
}
