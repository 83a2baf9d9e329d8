; Benchmark guest: a simple integer loop in 32-bit protected mode, run as a
; raw ROM (-bios). It executes exactly 5 * ITER + a few instructions, then
; exits through isa-debug-exit (0xf4) with value 0.
%ifndef ITER
%define ITER 100000000
%endif
bits 16
org 0
section .text start=0
rom_base equ 0xf0000

gdt:    dq 0
        dq 0x00cf9b000000ffff       ; 0x08: flat 32-bit code
        dq 0x00cf93000000ffff       ; 0x10: flat data
gdtr:   dw 23
        dd rom_base + gdt

start16:
        cli
        o32 lgdt [cs:gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword 0x08:rom_base + start32

bits 32
start32:
        mov ax, 0x10
        mov ds, ax
        mov ss, ax
        mov esp, 0x8000
        mov ecx, ITER
        xor eax, eax
        xor edx, edx
.loop:  add eax, ecx               ; the measured body: 5 instructions
        xor edx, eax
        shl edx, 1
        dec ecx
        jnz .loop
        mov al, 0
        out 0xf4, al
        hlt

times 0xfff0-($-$$) db 0
bits 16
        jmp 0xf000:start16
times 0x10000-($-$$) db 0
