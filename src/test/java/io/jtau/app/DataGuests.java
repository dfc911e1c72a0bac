package io.jtau.app;

import java.nio.charset.StandardCharsets;

/** WAT guests using the database, globals and pubsub ABI, generated per test case. */
final class DataGuests {

  private DataGuests() {}

  /** A WAT string literal of these bytes. */
  static String lit(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        b.append((char) c);
      } else {
        b.append(String.format("\\%02x", c));
      }
    }
    return b.append('"').toString();
  }

  static int len(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  static final String IMPORTS =
      """
      (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "newDatabase" (func $new (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databasePut" (func $put (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseGetSize" (func $gsize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseGet" (func $get (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseListSize" (func $lsize (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "databaseList" (func $list (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "putGlobalValue" (func $gput (param i32 i32 i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getGlobalValueSize" (func $ggsize (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getGlobalValue" (func $gget (param i32 i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "publishToChannel" (func $pub (param i32 i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "setSubscriptionChannel" (func $sub (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getWebSocketURLSize" (func $wssize (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getWebSocketURL" (func $wsurl (param i32 i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageDataSize" (func $msize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageData" (func $mdata (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageChannelSize" (func $csize (param i32 i32) (result i32)))
      (import "taubyte/sdk" "getMessageChannel" (func $cdata (param i32 i32) (result i32)))
      (memory (export "memory") 2)
      (func $num (param $ev i32) (param $e i32)
        (i32.store8 (i32.const 100) (i32.add (i32.const 48) (i32.div_u (local.get $e) (i32.const 100))))
        (i32.store8 (i32.const 101)
          (i32.add (i32.const 48) (i32.rem_u (i32.div_u (local.get $e) (i32.const 10)) (i32.const 10))))
        (i32.store8 (i32.const 102) (i32.add (i32.const 48) (i32.rem_u (local.get $e) (i32.const 10))))
        (i32.store8 (i32.const 103) (i32.const 124))
        (drop (call $write (local.get $ev) (i32.const 100) (i32.const 4) (i32.const 8))))
      (func $bar (param $ev i32)
        (i32.store8 (i32.const 104) (i32.const 124))
        (drop (call $write (local.get $ev) (i32.const 104) (i32.const 1) (i32.const 8))))
      """;

  /**
   * Opens database {@code name} and writes {@code errno|}; if {@code putKey} is set, puts and
   * writes {@code errno|}; reads {@code getKey}, writing {@code errno|value|}; lists {@code
   * prefix}, writing {@code errno|keys}. Export {@code call}.
   */
  static String database(
      String name, String putKey, String putValue, String getKey, String prefix) {
    String put =
        putKey == null
            ? ""
            : """
              (local.set $e (call $put (local.get $db) (i32.const 2048) (i32.const %d)
                                        (i32.const 3072) (i32.const %d)))
              (call $num (local.get $ev) (local.get $e))
              """
                .formatted(len(putKey), len(putValue));
    return """
        (module
          %s
          (data (i32.const 1024) %s)
          (data (i32.const 2048) %s)
          (data (i32.const 3072) %s)
          (data (i32.const 3584) %s)
          (data (i32.const 3840) %s)
          (func (export "call") (param $ev i32) (result i32)
            (local $db i32) (local $e i32)
            (local.set $e (call $new (i32.const 1024) (i32.const %d) (i32.const 16)))
            (call $num (local.get $ev) (local.get $e))
            (if (local.get $e) (then (return (i32.const 0))))
            (local.set $db (i32.load (i32.const 16)))
            %s
            (local.set $e (call $gsize (local.get $db) (i32.const 3584) (i32.const %d) (i32.const 20)))
            (call $num (local.get $ev) (local.get $e))
            (if (i32.eqz (local.get $e))
              (then
                (drop (call $get (local.get $db) (i32.const 3584) (i32.const %d) (i32.const 8192)))
                (drop (call $write (local.get $ev) (i32.const 8192) (i32.load (i32.const 20)) (i32.const 8)))))
            (call $bar (local.get $ev))
            (local.set $e (call $lsize (local.get $db) (i32.const 3840) (i32.const %d) (i32.const 24)))
            (call $num (local.get $ev) (local.get $e))
            (if (i32.eqz (local.get $e))
              (then
                (drop (call $list (local.get $db) (i32.const 3840) (i32.const %d) (i32.const 16384)))
                (drop (call $write (local.get $ev) (i32.const 16384) (i32.load (i32.const 24)) (i32.const 8)))))
            (i32.const 0)))
        """
        .formatted(
            IMPORTS,
            lit(name),
            lit(putKey == null ? "" : putKey),
            lit(putValue == null ? "" : putValue),
            lit(getKey),
            lit(prefix),
            len(name),
            put,
            len(getKey),
            len(getKey),
            len(prefix),
            len(prefix));
  }

  /**
   * Puts global {@code name} = {@code value} (when value is non-null) with the scope flags, then
   * reads it back: writes {@code errno|errno|value}. Export {@code call}.
   */
  static String globals(String name, String value, int app, int fn) {
    String put =
        value == null
            ? ""
            : """
              (call $num (local.get $ev)
                (call $gput (i32.const 1024) (i32.const %d) (i32.const %d) (i32.const %d)
                            (i32.const 2048) (i32.const %d) (i32.const 0)))
              """
                .formatted(len(name), app, fn, len(value));
    return """
        (module
          %s
          (data (i32.const 1024) %s)
          (data (i32.const 2048) %s)
          (func (export "call") (param $ev i32) (result i32)
            (local $e i32)
            %s
            (local.set $e (call $ggsize (i32.const 1024) (i32.const %d) (i32.const %d) (i32.const %d) (i32.const 20)))
            (call $num (local.get $ev) (local.get $e))
            (if (i32.eqz (local.get $e))
              (then
                (drop (call $gget (i32.const 1024) (i32.const %d) (i32.const %d) (i32.const %d) (i32.const 8192)))
                (drop (call $write (local.get $ev) (i32.const 8192) (i32.load (i32.const 20)) (i32.const 8)))))
            (i32.const 0)))
        """
        .formatted(
            IMPORTS,
            lit(name),
            lit(value == null ? "" : value),
            put,
            len(name),
            app,
            fn,
            len(name),
            app,
            fn);
  }

  /**
   * HTTP guest: publishes {@code data} on {@code channel}, subscribes to {@code subscribe} and asks
   * the WebSocket path of {@code channel}; writes {@code errno|errno|errno|path}. Export {@code
   * call}.
   */
  static String publisher(String channel, String data, String subscribe) {
    return """
        (module
          %s
          (data (i32.const 1024) %s)
          (data (i32.const 2048) %s)
          (data (i32.const 3072) %s)
          (func (export "call") (param $ev i32) (result i32)
            (local $e i32)
            (call $num (local.get $ev) (call $pub (i32.const 1024) (i32.const %d) (i32.const 2048) (i32.const %d)))
            (call $num (local.get $ev) (call $sub (i32.const 3072) (i32.const %d)))
            (local.set $e (call $wssize (i32.const 1024) (i32.const %d) (i32.const 20)))
            (call $num (local.get $ev) (local.get $e))
            (if (i32.eqz (local.get $e))
              (then
                (drop (call $wsurl (i32.const 1024) (i32.const %d) (i32.const 8192)))
                (drop (call $write (local.get $ev) (i32.const 8192) (i32.load (i32.const 20)) (i32.const 8)))))
            (i32.const 0)))
        """
        .formatted(
            IMPORTS,
            lit(channel),
            lit(data),
            lit(subscribe),
            len(channel),
            len(data),
            len(subscribe),
            len(channel),
            len(channel));
  }

  /**
   * PubSub guest: stores the message in database {@code db} under {@code last} and its channel
   * under {@code chan}, then publishes {@code echo} on {@code echoChannel}. Export {@code onmsg}.
   */
  static String subscriber(String db, String echoChannel) {
    return """
        (module
          %s
          (data (i32.const 1024) %s)
          (data (i32.const 2048) "last")
          (data (i32.const 2100) "chan")
          (data (i32.const 3072) %s)
          (data (i32.const 5000) "echo")
          (func (export "onmsg") (param $ev i32) (result i32)
            (local $db i32)
            (drop (call $msize (local.get $ev) (i32.const 32)))
            (drop (call $mdata (local.get $ev) (i32.const 4096)))
            (i32.store (i32.const 36) (i32.const 0))
            (drop (call $csize (local.get $ev) (i32.const 36)))
            (drop (call $cdata (local.get $ev) (i32.const 6000)))
            (drop (call $new (i32.const 1024) (i32.const %d) (i32.const 16)))
            (local.set $db (i32.load (i32.const 16)))
            (drop (call $put (local.get $db) (i32.const 2048) (i32.const 4) (i32.const 4096) (i32.load (i32.const 32))))
            (drop (call $put (local.get $db) (i32.const 2100) (i32.const 4) (i32.const 6000) (i32.load (i32.const 36))))
            (drop (call $pub (i32.const 3072) (i32.const %d) (i32.const 5000) (i32.const 4)))
            (i32.const 0)))
        """
        .formatted(IMPORTS, lit(db), lit(echoChannel), len(db), len(echoChannel));
  }
}
