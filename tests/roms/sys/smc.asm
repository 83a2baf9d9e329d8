; smc.asm -- self-modifying and cross-modifying code.
;
; SDM vol. 3, 8.1.3: code that must run on every IA-32 processor stores the
; new code and then JUMPS to it (or executes a serializing instruction)
; before executing it. Pentium and P6 processors additionally snoop stores
; against prefetched instructions (by physical address on P6) and discard
; stale bytes, so even a store that modifies the very next instruction
; takes effect. Both cases are tested; emulators that cache translated or
; decoded code must notice every one of these writes.
%define TEST_NAME "smc"
%include "sys.inc"

SMC_RAM         equ 0x40000         ; code copied here (identity mapped)
ALIAS_PHYS      equ 0x41000         ; page reached through two linear aliases
PD              equ 0x20000
PT1             equ 0x21000
EXEC_LIN        equ 0x400000        ; executed through this alias ...
WRITE_LIN       equ 0x401000        ; ... and written through this one

; Address in RAM of a label of a blob copied to `dest`.
%define AT(dest, blob, label) ((dest) + ((label) - (blob)))

; COPY dest, blob_start, blob_end
%macro COPY 3
        mov esi, %2
        mov edi, %1
        mov ecx, %3 - %2
        rep movsb
%endmacro

main32:
        STEP 1, "store into the next instruction, then JMP to it (SDM-safe)"
        COPY SMC_RAM, blob_a, blob_a_end
        call SMC_RAM
        CHECK eax, 0x42
        call SMC_RAM                        ; already 0x42, stays 0x42
        CHECK eax, 0x42

        STEP 2, "store into the immediately following instruction, no jump"
        COPY SMC_RAM, blob_b, blob_b_end
        call SMC_RAM
        CHECK eax, 0x43
        ; A second variant: patch the opcode itself, not an immediate.
        COPY SMC_RAM, blob_b2, blob_b2_end
        call SMC_RAM
        CHECK eax, 0x1234                   ; NOP became "mov eax, 0x1234"

        STEP 3, "run code in RAM, overwrite it, run again: new code runs"
        COPY SMC_RAM, code_one, code_one_end
        call SMC_RAM
        CHECK eax, 1
        call SMC_RAM                        ; warm any decode cache
        CHECK eax, 1
        COPY SMC_RAM, code_two, code_two_end
        call SMC_RAM
        CHECK eax, 2
        mov byte [SMC_RAM + 1], 3           ; change just the immediate
        call SMC_RAM
        CHECK eax, 3

        STEP 4, "REP MOVSB overwrites code just ahead of itself"
        COPY SMC_RAM, blob_c, blob_c_end
        mov esi, code_two                   ; new bytes: mov eax, 2 ; ret
        call SMC_RAM
        CHECK eax, 2
        COPY SMC_RAM, blob_c, blob_c_end    ; once more, with a longer copy
        mov esi, code_long
        call SMC_RAM
        CHECK eax, 0x5A5A
        CHECK ebx, 0xB0B0

        STEP 5, "paging: write through one linear alias, run the other"
        mov edi, PD
        mov ecx, 2 * 1024
        xor eax, eax
        rep stosd
        mov dword [PD], 0x83                ; 0-4 MiB identity (4 MiB page)
        mov dword [PD + 4], PT1 | 3
        mov dword [PT1 + 0], ALIAS_PHYS | 3
        mov dword [PT1 + 4], ALIAS_PHYS | 3
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        COPY WRITE_LIN, code_one, code_one_end
        call EXEC_LIN
        CHECK eax, 1
        call EXEC_LIN
        CHECK eax, 1
        COPY WRITE_LIN, code_two, code_two_end
        call EXEC_LIN
        CHECK eax, 2

        STEP 6, "paging: store via the alias to the next instruction"
        ; The P6 snoop compares physical addresses, so the aliased store
        ; is caught even though its linear address differs.
        COPY WRITE_LIN, blob_d, blob_d_end
        call EXEC_LIN
        CHECK eax, 0x44
        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax
        PASS

; ------------------------------------------------------- code templates
; Each is position independent except for its AT() self-references, which
; name the RAM copy.
blob_a:
        mov byte [AT(SMC_RAM, blob_a, .t) + 1], 0x42
        jmp .t
.t:     mov eax, 0
        ret
blob_a_end:

blob_b:
        mov byte [AT(SMC_RAM, blob_b, .t) + 1], 0x43
.t:     mov eax, 0                          ; B8 imm32: imm byte 0 patched
        ret
blob_b_end:

blob_b2:
        mov byte [AT(SMC_RAM, blob_b2, .t)], 0xB8   ; 90 -> B8 (mov eax, imm32)
.t:     nop
        dd 0x1234                           ; as a NOP: "xor al, 0x12; ..."
        ret                                 ;   never runs unpatched
blob_b2_end:

code_one:
        mov eax, 1
        ret
code_one_end:
code_two:
        mov eax, 2
        ret
code_two_end:
code_long:
        mov eax, 0x5A5A
        mov ebx, 0xB0B0
        ret
code_long_end:

blob_c:                                     ; ESI = replacement for .t
        mov edi, AT(SMC_RAM, blob_c, .t)
        mov ecx, code_long_end - code_long
        rep movsb
.t:     mov eax, 1                          ; overwritten before it runs
        ret
        times 16 db 0xCC
blob_c_end:

blob_d:                                     ; runs at EXEC_LIN
        mov byte [AT(WRITE_LIN, blob_d, .t) + 1], 0x44
.t:     mov eax, 0
        ret
blob_d_end:

        ROM_END
