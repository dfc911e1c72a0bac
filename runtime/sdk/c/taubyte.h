/*
 * taubyte.h: the taubyte/sdk host functions for C functions built by jtau (clang, wasm32-wasi).
 * Declarations follow the guest ABI (docs/builds.md, "C"); every function returns an errno
 * (0 = success) unless noted. Strings are (pointer, length) pairs without a terminator.
 * The C builder puts this header on the include path: #include "taubyte.h".
 */
#ifndef TAUBYTE_H
#define TAUBYTE_H

#include <stdint.h>

#define TAU_IMPORT(name) __attribute__((import_module("taubyte/sdk"), import_name(#name)))
#define TAU_EXPORT(name) __attribute__((export_name(#name)))

/* Event types written by getEventType. */
#define TAU_EVENT_HTTP 1
#define TAU_EVENT_PUBSUB 2
#define TAU_EVENT_P2P 3

/* Events. */
TAU_IMPORT(getEventType) void getEventType(uint32_t event, uint32_t *type);

/* HTTP request. */
TAU_IMPORT(getHttpEventMethodSize) uint32_t getHttpEventMethodSize(uint32_t event, uint32_t *size);
TAU_IMPORT(getHttpEventMethod) uint32_t getHttpEventMethod(uint32_t event, char *buf, uint32_t len);
TAU_IMPORT(getHttpEventHostSize) uint32_t getHttpEventHostSize(uint32_t event, uint32_t *size);
TAU_IMPORT(getHttpEventHost) uint32_t getHttpEventHost(uint32_t event, char *buf, uint32_t len);
TAU_IMPORT(getHttpEventPathSize) uint32_t getHttpEventPathSize(uint32_t event, uint32_t *size);
TAU_IMPORT(getHttpEventPath) uint32_t getHttpEventPath(uint32_t event, char *buf, uint32_t len);
TAU_IMPORT(getHttpEventUserAgentSize)
uint32_t getHttpEventUserAgentSize(uint32_t event, uint32_t *size);
TAU_IMPORT(getHttpEventUserAgent)
uint32_t getHttpEventUserAgent(uint32_t event, char *buf, uint32_t len);
/* Note the order: the size pointer comes before the key. */
TAU_IMPORT(getHttpEventHeadersSize)
uint32_t getHttpEventHeadersSize(uint32_t event, uint32_t *size, const char *key, uint32_t keyLen);
TAU_IMPORT(getHttpEventHeaders)
uint32_t getHttpEventHeaders(uint32_t event, const char *key, uint32_t keyLen, char *buf,
                             uint32_t len);
TAU_IMPORT(getHttpEventQueryValueByNameSize)
uint32_t getHttpEventQueryValueByNameSize(uint32_t event, uint32_t *size, const char *key,
                                          uint32_t keyLen);
TAU_IMPORT(getHttpEventQueryValueByName)
uint32_t getHttpEventQueryValueByName(uint32_t event, const char *key, uint32_t keyLen, char *buf,
                                      uint32_t len);
/* Read loop: returns 8 (EOF) at the end of the body; *count holds the bytes read. */
TAU_IMPORT(readHttpEventBody)
uint32_t readHttpEventBody(uint32_t event, char *buf, uint32_t len, uint32_t *count);
TAU_IMPORT(closeHttpEventBody) uint32_t closeHttpEventBody(uint32_t event);

/* HTTP response. */
TAU_IMPORT(eventHttpWrite)
uint32_t eventHttpWrite(uint32_t event, const char *buf, uint32_t len, uint32_t *written);
TAU_IMPORT(eventHttpFlush) uint32_t eventHttpFlush(uint32_t event);
TAU_IMPORT(eventHttpRetCode) uint32_t eventHttpRetCode(uint32_t event, uint32_t code);
TAU_IMPORT(eventHttpHeaderAdd)
uint32_t eventHttpHeaderAdd(uint32_t event, const char *key, uint32_t keyLen, const char *val,
                            uint32_t valLen);
TAU_IMPORT(eventHttpRedirect)
uint32_t eventHttpRedirect(uint32_t event, const char *url, uint32_t urlLen, uint32_t code);

/* Convenience: write a NUL-terminated string to the response. */
static inline uint32_t tau_http_write_str(uint32_t event, const char *s) {
  uint32_t n = 0, w = 0;
  while (s[n]) n++;
  return eventHttpWrite(event, s, n, &w);
}

#endif
