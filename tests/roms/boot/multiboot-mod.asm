; multiboot-mod.asm: the module multiboot.asm loads and checks: 5000 bytes,
; byte i = i mod 251 (a period no page or power-of-two misplacement hides).
%assign i 0
%rep 5000
        db i % 251
%assign i i + 1
%endrep
