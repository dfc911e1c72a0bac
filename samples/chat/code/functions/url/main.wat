;; Answers the WebSocket path of channel "chat" (getWebSocketURL, tau's pubsub ABI).
(module
  (import "taubyte/sdk" "eventHttpRetCode" (func $status (param i32 i32) (result i32)))
  (import "taubyte/sdk" "eventHttpWrite" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "taubyte/sdk" "getWebSocketURLSize" (func $urlSize (param i32 i32 i32) (result i32)))
  (import "taubyte/sdk" "getWebSocketURL" (func $url (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "chat")
  (func (export "url") (param $ev i32) (result i32)
    (if (call $urlSize (i32.const 16) (i32.const 4) (i32.const 32))
      (then (drop (call $status (local.get $ev) (i32.const 500))) (return (i32.const 1))))
    (drop (call $url (i32.const 16) (i32.const 4) (i32.const 1024)))
    (drop (call $write (local.get $ev) (i32.const 1024) (i32.load (i32.const 32)) (i32.const 8)))
    (i32.const 0)))
