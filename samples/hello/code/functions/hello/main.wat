;; The sample function: answers every request with a greeting.
;; It uses tau's guest ABI (module "taubyte/sdk"), so it runs unchanged on tau.
(module
  (import "taubyte/sdk" "eventHttpHeaderAdd"
    (func $header (param i32 i32 i32 i32 i32) (result i32)))
  (import "taubyte/sdk" "eventHttpRetCode"
    (func $status (param i32 i32) (result i32)))
  (import "taubyte/sdk" "eventHttpWrite"
    (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Content-Type")
  (data (i32.const 32) "text/plain; charset=utf-8")
  (data (i32.const 64) "Hello from jtau!\n")
  (func (export "hello") (param $event i32) (result i32)
    (drop (call $header (local.get $event) (i32.const 16) (i32.const 12) (i32.const 32) (i32.const 25)))
    (drop (call $status (local.get $event) (i32.const 200)))
    (drop (call $write (local.get $event) (i32.const 64) (i32.const 17) (i32.const 8)))
    (i32.const 0)))
