; bcd.asm -- DAA, DAS, AAA, AAS, AAM imm8, AAD imm8 (all invalid in 64-bit
; mode, so the native reference vectors cannot cover them).
;
; The records come from gen_bcd.py, which transcribes the SDM pseudo-code:
; every AL value x CF x AF for DAA/DAS/AAA/AAS (AH sampled, including the
; values where AAA/AAS carry or borrow through AH), and every AL value for
; AAM and AAD with several imm8 bases.  Only the flags the SDM defines are
; compared (DAA/DAS: all but OF; AAA/AAS: AF CF; AAM/AAD: SF ZF PF).
; AAA/AAS follow the current SDM (AX := AX + 106H, AX := AX - 6 then
; AH := AH - 1), i.e. the 286+ behaviour, which a P6-class CPU has.
;
; Check numbers: 1..N = one per instruction form (see the generated
; include), then the #DE cases after them.
%define TEST_NAME "bcd"
%include "legacy.inc"

; Record: input AX, input FLAGS (low byte), expected AX, expected FLAGS.
%macro BCD_REC 4
        dw %1
        db %2
        dw %3
        db %4
%endmacro

; One loop per instruction form: the instruction bytes are assembled into
; the loop, so AAM/AAD with any imm8 need no self-modifying code.
%macro BCD_GROUP 6      ; check, name, table, count, flags mask, {insn bytes}
        STEP %1
        mov si, %3
        mov cx, %4
%%loop:
        movzx ax, byte [si + 2]
        push ax
        popf
        mov ax, [si]
        db %6
        pushf
        pop dx
        cmp ax, [si + 3]
        jne %%bad
        mov bx, dx
        xor bl, [si + 5]
        test bl, %5
        jnz %%bad
        add si, 6
        dec cx
        jnz %%loop
        jmp %%done
%%bad:
        mov bp, %3
        mov di, %%name
        mov bl, %5
        call report
        FAIL
%%name: db %2, 0
%%done:
%endmacro

        bits 16
main16:
        push cs                 ; the tables are in the ROM
        pop ds

%define BCD_PART_CODE
%include "bcd_tables.inc"
%undef BCD_PART_CODE

%assign NGROUPS CUR

        ; AAM with a zero base divides by zero: #DE, a fault, so the pushed
        ; IP is the AAM itself and AX is left as it was.
        STEP NGROUPS + 1
        ARM_EXC .r1
        mov ax, 0x1234
.aam0:  db 0xD4, 0x00
        FAIL
.r1:    CHECK_EXC 0, .aam0
        EXPECT ax, 0x1234

        ; The same with a prefix in front: the fault IP is the first prefix.
        STEP NGROUPS + 2
        ARM_EXC .r2
        mov ax, 0x00FF
.aam0p: db 0x2E, 0xD4, 0x00     ; cs: aam 0
        FAIL
.r2:    CHECK_EXC 0, .aam0p
        EXPECT ax, 0x00FF

        xor ax, ax
        mov ds, ax
        PRINT "bcd: "
        mov eax, BCD_RECORDS + 2
        call lib16_dec
        PRINT " checks", 10
        PASS

; Print a failing record.  SI record, BP table, DI name, AX/DX result,
; BL flags mask.
report:
        push ax
        PRINT "bcd: "
        push si
        mov si, di
        call lib16_puts
        pop si
        PRINT " record "
        mov ax, si
        sub ax, bp
        push dx
        xor dx, dx
        mov cx, 6
        div cx
        pop dx
        movzx eax, ax
        call lib16_dec
        PRINT ": in AX="
        mov ax, [si]
        mov cl, 4
        call lib16_hex
        PRINT " FL="
        mov al, [si + 2]
        mov cl, 2
        call lib16_hex
        PRINT " got AX="
        pop ax
        mov cl, 4
        call lib16_hex
        PRINT " FL="
        mov al, dl
        mov cl, 2
        call lib16_hex
        PRINT " want AX="
        mov ax, [si + 3]
        mov cl, 4
        call lib16_hex
        PRINT " FL="
        mov al, [si + 5]
        mov cl, 2
        call lib16_hex
        PRINT " mask="
        mov al, bl
        call lib16_hex
        PRINT 10
        ret

%define BCD_PART_DATA
%include "bcd_tables.inc"

        ROM_END
