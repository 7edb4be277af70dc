;; The relay's check of an audio string's body (src/server/core/plain-body.ts), in WebAssembly
;; with 128-bit SIMD: 16 bytes a step where JavaScript's best is 4. Compiled by
;; scripts/build-wasm.mjs into plain-body-wasm.generated.ts (`npm run generate`).
(module
  ;; One page (64 KiB): the frame is copied to offset 0; a larger frame is checked in JavaScript.
  (memory (export "memory") 1)

  ;; 1 when every byte of [start, end) is 0x20..0x7f and none is `"` (0x22) or `\` (0x5c);
  ;; else 0. As signed bytes, 0x80..0xff are negative, so one signed "less than 0x20" test
  ;; rejects both the control characters and every byte above 0x7f.
  (func (export "plain") (param $start i32) (param $end i32) (result i32)
    (local $at i32) (local $v v128) (local $bad v128)
    (local.set $at (local.get $start))
    (block $words
      (loop $step
        (br_if $words (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
        (local.set $v (v128.load align=1 (local.get $at)))
        (local.set $bad
          (v128.or (local.get $bad)
            (v128.or (i8x16.lt_s (local.get $v) (i8x16.splat (i32.const 0x20)))
              (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                       (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c)))))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $step)))
    ;; The last 0..15 bytes one at a time, with the same test.
    (block $bytes
      (loop $byte
        (br_if $bytes (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $v (i8x16.splat (i32.load8_u (local.get $at))))
        (local.set $bad
          (v128.or (local.get $bad)
            (v128.or (i8x16.lt_s (local.get $v) (i8x16.splat (i32.const 0x20)))
              (v128.or (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                       (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c)))))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $byte)))
    (i32.eqz (v128.any_true (local.get $bad))))
)
