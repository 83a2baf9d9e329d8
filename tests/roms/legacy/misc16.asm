; misc16.asm -- legacy and 16-bit-only behaviour that 64-bit mode lacks:
; INC/DEC short forms 40-4F, XCHG eAX short forms, PUSH imm, PUSH SP /
; POP SP, ENTER/LEAVE with 16-bit frames, CBW/CWD in 16-bit code, string
; instructions with 16-bit addressing, XLAT, LAHF/SAHF, PUSHF/POPF in real
; mode, IP wrap-around of 16-bit near branches, and reads of unused I/O
; ports.  SALC (D6) is skipped: the SDM does not document it.
;
; Expected values are from the SDM definitions, except the unused-port read:
; 0xFF per byte is what an undriven ISA data bus returns on a PC (platform
; behaviour, not an instruction definition).
%define TEST_NAME "misc16"
%include "legacy.inc"

ARITH   equ 0x08D5              ; OF SF ZF AF PF CF
CF      equ 0x0001
PF      equ 0x0004
AF      equ 0x0010
ZF      equ 0x0040
SF      equ 0x0080
OF      equ 0x0800
BUF     equ SCRATCH             ; segment-0 scratch buffers
UNUSED_PORT equ 0x0300          ; the ISA "prototype card" range

; ----------------------------------------------------------- INC / DEC
; ID op(0x40 inc / 0x48 dec), size, reg32, regnum, in, out, flags (no CF)
; Runs with CF = 1 and CF = 0: the short forms must leave CF alone.
%macro ID 7
%assign cfv 0
%rep 2
        mov %3, %5
%if cfv
        stc
%else
        clc
%endif
%if %2 == 32
        db 0x66
%endif
        db %1 + %4
        EXPECT_FLAGS ARITH, (%7) | cfv
        EXPECT %3, %6
%assign cfv cfv + 1
%endrep
%endmacro

%macro ID_REG 2                 ; reg32, regnum
        ID 0x40, 16, %1, %2, 0xABCD7FFF, 0xABCD8000, OF | SF | AF | PF
        ID 0x40, 16, %1, %2, 0x1234FFFF, 0x12340000, ZF | AF | PF
        ID 0x48, 16, %1, %2, 0x55558000, 0x55557FFF, OF | AF | PF
        ID 0x48, 16, %1, %2, 0xFFFF0001, 0xFFFF0000, ZF | PF
        ID 0x48, 16, %1, %2, 0x00000000, 0x0000FFFF, SF | AF | PF
        ID 0x40, 32, %1, %2, 0x7FFFFFFF, 0x80000000, OF | SF | AF | PF
        ID 0x40, 32, %1, %2, 0x0000FFFF, 0x00010000, AF | PF
        ID 0x48, 32, %1, %2, 0x80000000, 0x7FFFFFFF, OF | AF | PF
        ID 0x48, 32, %1, %2, 0x00010000, 0x0000FFFF, AF | PF
        ID 0x40, 32, %1, %2, 0xFFFFFFFF, 0x00000000, ZF | AF | PF
%endmacro

; ------------------------------------------------------ XCHG eAX, reg
%macro XA 2                     ; reg32, regnum
        mov eax, 0x11112222
        mov %1, 0x33334444
        db 0x90 + %2            ; xchg ax, r16
        EXPECT eax, 0x11114444
        EXPECT %1, 0x33332222
        mov eax, 0x11112222
        mov %1, 0x33334444
        db 0x66, 0x90 + %2      ; xchg eax, r32
        EXPECT eax, 0x33334444
        EXPECT %1, 0x11112222
%endmacro

        bits 16
main16:
        STEP 1
        ID_REG eax, 0
        STEP 2
        ID_REG ecx, 1
        STEP 3
        ID_REG edx, 2
        STEP 4
        ID_REG ebx, 3
        STEP 5                  ; (E)SP: the 16-bit stack only uses SP
        ID_REG esp, 4
        mov esp, RM_STACK
        STEP 6
        ID_REG ebp, 5
        STEP 7
        ID_REG esi, 6
        STEP 8
        ID_REG edi, 7

        STEP 9                  ; XCHG (E)AX short forms 91-97; 90 is NOP
        XA ecx, 1
        XA edx, 2
        XA ebx, 3
        XA ebp, 5
        XA esi, 6
        XA edi, 7
        mov eax, 0x11112222
        mov esp, 0xABCD6000
        db 0x94                 ; xchg ax, sp
        mov ebx, esp
        mov esp, RM_STACK
        EXPECT eax, 0x11116000
        EXPECT ebx, 0xABCD2222
        mov eax, 0x12345678
        db 0x66, 0x90           ; xchg eax, eax: a NOP, EAX intact
        EXPECT eax, 0x12345678

        STEP 10                 ; PUSH imm8 (sign-extended) / imm16 / imm32
        mov dword [RM_STACK - 4], 0xA5A5A5A5
        push byte -2
        EXPECT sp, RM_STACK - 2
        EXPECT dword [RM_STACK - 4], 0xFFFEA5A5
        add sp, 2
        push byte 0x7F
        EXPECT word [RM_STACK - 2], 0x007F
        add sp, 2
        o32 push byte -2
        EXPECT sp, RM_STACK - 4
        EXPECT dword [RM_STACK - 4], 0xFFFFFFFE
        add sp, 4
        push word 0x8765
        EXPECT word [RM_STACK - 2], 0x8765
        add sp, 2
        push dword 0x89ABCDEF
        EXPECT sp, RM_STACK - 4
        EXPECT dword [RM_STACK - 4], 0x89ABCDEF
        add sp, 4

        STEP 11                 ; PUSH SP pushes the value before the push
        push sp
        pop ax
        EXPECT ax, RM_STACK
        mov esp, 0x12346000
        push esp                ; 32-bit: all of ESP, SP moves by 4
        EXPECT esp, 0x12345FFC
        EXPECT dword [0x5FFC], 0x12346000
        mov sp, RM_STACK
        push word 0x4000
        pop sp                  ; POP SP: SP becomes the popped value
        EXPECT esp, 0x12344000
        mov esp, RM_STACK

        STEP 12                 ; ENTER/LEAVE, 16-bit, level 0
        mov bp, 0x1234
        enter 8, 0
        EXPECT bp, RM_STACK - 2
        EXPECT sp, RM_STACK - 2 - 8
        EXPECT word [RM_STACK - 2], 0x1234
        leave
        EXPECT sp, RM_STACK
        EXPECT bp, 0x1234
        enter 0, 32             ; level is taken mod 32: level 0
        EXPECT sp, RM_STACK - 2
        EXPECT bp, RM_STACK - 2
        leave

        STEP 13                 ; ENTER level 1: pushes the new frame pointer
        mov bp, 0x1234
        enter 4, 1
        EXPECT bp, RM_STACK - 2
        EXPECT sp, RM_STACK - 4 - 4
        EXPECT word [RM_STACK - 4], RM_STACK - 2
        leave
        EXPECT sp, RM_STACK
        EXPECT bp, 0x1234

        STEP 14                 ; ENTER level 3: copies 2 outer frame pointers
        mov word [0x5000 - 2], 0x1111   ; the display of the outer frame
        mov word [0x5000 - 4], 0x2222
        mov word [0x5000 - 6], 0x3333   ; not copied at level 3
        mov ebp, 0xFFFF5000             ; BP is the 16-bit frame pointer
        enter 6, 3
        EXPECT ebp, 0xFFFF0000 | (RM_STACK - 2)
        EXPECT sp, RM_STACK - 8 - 6
        EXPECT word [RM_STACK - 2], 0x5000
        EXPECT word [RM_STACK - 4], 0x1111
        EXPECT word [RM_STACK - 6], 0x2222
        EXPECT word [RM_STACK - 8], RM_STACK - 2
        leave
        EXPECT sp, RM_STACK
        EXPECT ebp, 0xFFFF5000

        STEP 15                 ; CBW / CWD (16-bit) and CWDE / CDQ (66)
        mov eax, 0x12345680
        cbw
        EXPECT eax, 0x1234FF80
        mov eax, 0x1234567F
        cbw
        EXPECT eax, 0x1234007F
        mov eax, 0x00008000
        mov edx, 0x55555555
        cwd
        EXPECT edx, 0x5555FFFF
        EXPECT eax, 0x00008000
        mov eax, 0xFFFF7FFF
        cwd
        EXPECT edx, 0x55550000
        mov eax, 0x1234ABCD
        cwde
        EXPECT eax, 0xFFFFABCD
        cdq
        EXPECT edx, 0xFFFFFFFF

        STEP 16                 ; MOVS with 16-bit SI/DI; upper halves kept
        mov dword [BUF], 0x44332211
        mov dword [BUF + 0x10], 0
        mov esi, 0xAAAA0000 | BUF
        mov edi, 0xBBBB0000 | (BUF + 0x10)
        movsb
        movsw
        EXPECT esi, 0xAAAA0000 | (BUF + 3)
        EXPECT edi, 0xBBBB0000 | (BUF + 0x13)
        EXPECT dword [BUF + 0x10], 0x00332211

        STEP 17                 ; SI and DI wrap at 64 KiB (both directions)
        mov ax, 0x1000
        mov ds, ax
        mov es, ax
        mov byte [0xFFFF], 0x5A
        mov esi, 0x5555FFFF
        mov edi, 0x6666FFF0
        movsb                   ; DF = 0: SI 0xFFFF -> 0x0000
        EXPECT esi, 0x55550000
        EXPECT byte [0xFFF0], 0x5A
        std
        mov esi, 0x77770000
        mov edi, 0x88880000
        mov byte [0x0000], 0xA5
        movsb                   ; DF = 1: 0x0000 -> 0xFFFF
        cld
        EXPECT esi, 0x7777FFFF
        EXPECT edi, 0x8888FFFF
        EXPECT byte [0x0000], 0xA5
        mov edi, 0x0000FFFF
        mov al, 0x3C
        mov ecx, 0x00000003     ; REP STOSB across the wrap
        rep stosb
        EXPECT edi, 0x00000002
        EXPECT byte [0xFFFF], 0x3C
        EXPECT byte [0x0001], 0x3C
        xor ax, ax
        mov ds, ax
        mov es, ax

        STEP 18                 ; REP counts CX; CX = 0 does nothing
        mov dword [BUF], 0x11111111
        mov dword [BUF + 0x10], 0x22222222
        mov ecx, 0x00010000     ; CX = 0 although ECX is not
        mov si, BUF
        mov di, BUF + 0x10
        rep movsb
        EXPECT ecx, 0x00010000
        EXPECT si, BUF
        EXPECT di, BUF + 0x10
        EXPECT dword [BUF + 0x10], 0x22222222
        mov ecx, 0xABCD0002
        rep movsw
        EXPECT ecx, 0xABCD0000
        EXPECT si, BUF + 4
        EXPECT dword [BUF + 0x10], 0x11111111
        mov ecx, 2              ; 67: ECX, ESI, EDI
        mov esi, BUF
        mov edi, BUF + 0x20
        mov dword [BUF + 0x20], 0
        a32 rep movsb
        EXPECT ecx, 0
        EXPECT esi, BUF + 2
        EXPECT word [BUF + 0x20], 0x1111

        STEP 19                 ; segment override: the source only
        mov ax, 0x2000
        mov fs, ax
        mov ax, 0x3000
        mov es, ax
        mov dword [fs:0x0100], 0xF5F5F5F5
        mov dword [0x0100], 0xD5D5D5D5          ; DS:0100 (DS = 0)
        mov dword [es:0x0200], 0
        mov dword [0x0200], 0                   ; DS:0200, must stay 0
        mov si, 0x0100
        mov di, 0x0200
        fs movsw                ; FS:SI -> ES:DI
        EXPECT word [es:0x0200], 0xF5F5
        EXPECT word [0x0200], 0
        mov si, 0x0100
        mov di, 0x0202
        movsw                   ; default DS:SI
        EXPECT word [es:0x0202], 0xD5D5
        mov word [es:0x0100], 0xE5E5
        mov si, 0x0100
        mov di, 0x0204
        db 0x26                 ; ES override on the source: ES:SI -> ES:DI
        movsw
        EXPECT word [es:0x0204], 0xE5E5
        mov si, 0x0100
        es lodsw
        EXPECT ax, 0xE5E5
        xor ax, ax
        mov es, ax

        STEP 20                 ; REPE CMPSB / REPNE SCASB with CX
        mov dword [BUF], 'ABCD'
        mov dword [BUF + 8], 'ABXD'
        mov si, BUF
        mov di, BUF + 8
        mov ecx, 0x77770004
        repe cmpsb              ; stops after the 'C'/'X' mismatch
        EXPECT_FLAGS ZF, 0
        EXPECT ecx, 0x77770001
        EXPECT si, BUF + 3
        EXPECT di, BUF + 11
        mov di, BUF
        mov al, 'C'
        mov ecx, 0x88880004
        repne scasb
        EXPECT_FLAGS ZF, ZF
        EXPECT ecx, 0x88880001
        EXPECT di, BUF + 3

        STEP 21                 ; XLAT: DS:[BX + AL] with 16-bit wrap
        mov ax, 0x1000
        mov ds, ax
        mov byte [0x0000], 0x77
        mov byte [0x1234 + 0x80], 0x66
        mov ebx, 0xFFFF0000 | 0xFFFF
        mov al, 1
        xlatb                   ; 0xFFFF + 1 -> 0x0000
        EXPECT al, 0x77
        mov ebx, 0x1234
        mov al, 0x80            ; AL is unsigned: +0x80
        xlatb
        EXPECT al, 0x66
        xor ax, ax
        mov ds, ax
        mov ax, 0x1000
        mov es, ax
        mov ebx, 0x1234
        mov al, 0x80
        es xlatb                ; override
        EXPECT al, 0x66
        xor ax, ax
        mov es, ax

        STEP 22                 ; SAHF/LAHF for all AH values
        xor cx, cx
.l22:   mov ah, cl
        sahf
        mov ah, 0
        lahf
        mov dl, cl
        and dl, SF | ZF | AF | PF | CF
        or dl, 2                ; bit 1 reads as 1, bits 3 and 5 as 0
        cmp ah, dl
        je .n22
        FAIL
.n22:   inc cx
        cmp cx, 256
        jb .l22
        mov al, 0x7F
        add al, 1               ; OF = 1
        mov ah, 0
        sahf                    ; SAHF does not touch OF
        EXPECT_FLAGS OF | ARITH, OF

        STEP 23                 ; POPF/PUSHF in real mode (386+)
        push word 0xFCFF        ; all but TF and IF
        popf
        pushf
        pop ax
        cld
        EXPECT ax, 0x7CD7       ; IOPL and NT writable, bit 15 reads 0
        push word 0x0000
        popf
        pushf
        pop ax
        EXPECT ax, 0x0002
        push dword 0xFFFFFCFF
        popfd
        pushfd
        pop eax
        push dword 2
        popfd
        ; AC and ID set, RF/VM/VIF/VIP and reserved bits not
        EXPECT eax, 0x00247CD7
        push dword 0x00040002   ; AC set; a 16-bit PUSHF shows the low word
        popfd
        pushf
        pop ax
        pushfd
        pop ebx
        push dword 2
        popfd
        EXPECT ax, 0x0002
        EXPECT ebx, 0x00040002

        STEP 24                 ; near JMP/CALL rel16: IP wraps at 64 KiB
        db 0xE9                 ; jmp rel16 to high_code, "backwards"
        dw (high_code - ($ + 2)) & 0xFFFF
.back24:
        EXPECT ax, 0x4242
        db 0xE8                 ; call rel16 with the same wrap
        dw (high_call - ($ + 2)) & 0xFFFF
.ret24: EXPECT ax, 0x4343
        EXPECT dx, .ret24

        STEP 25                 ; unused I/O ports read all ones
        mov dx, UNUSED_PORT
        in al, dx
        EXPECT al, 0xFF
        in ax, dx
        EXPECT ax, 0xFFFF
        in eax, dx
        EXPECT eax, 0xFFFFFFFF
        mov al, 0x12
        out dx, al              ; and writes go nowhere
        in al, dx
        EXPECT al, 0xFF

        GO_PM32
; ---------------------------------------------------------------- 32-bit PM
        STEP 26                 ; ENTER/LEAVE with 32-bit frames
        mov dword [0x50000 - 4], 0x11111111
        mov dword [0x50000 - 8], 0x22222222
        mov ebp, 0x50000
        enter 0x10, 3
        EXPECT ebp, PM_STACK - 4
        EXPECT esp, PM_STACK - 16 - 0x10
        EXPECT dword [PM_STACK - 4], 0x50000
        EXPECT dword [PM_STACK - 8], 0x11111111
        EXPECT dword [PM_STACK - 12], 0x22222222
        EXPECT dword [PM_STACK - 16], PM_STACK - 4
        leave
        EXPECT esp, PM_STACK
        EXPECT ebp, 0x50000
        enter 4, 1
        EXPECT dword [PM_STACK - 8], PM_STACK - 4
        EXPECT esp, PM_STACK - 12
        leave
        enter 0, 0
        EXPECT esp, PM_STACK - 4
        leave
        EXPECT ebp, 0x50000

        STEP 27                 ; INC/DEC short forms in 32-bit code
        mov eax, 0x7FFFFFFF
        stc
        db 0x40                 ; inc eax
        EXPECT_FLAGS ARITH, OF | SF | AF | PF | CF
        EXPECT eax, 0x80000000
        mov esi, 0xFFFF0000
        clc
        db 0x66, 0x4E           ; dec si
        EXPECT_FLAGS ARITH, SF | AF | PF
        EXPECT esi, 0xFFFFFFFF

        PASS

; Reached by 16-bit near branches whose IP wraps around 64 KiB.
        bits 16
        times 0xF000 - ($ - $$) db 0xFF
high_code:
        mov ax, 0x4242
        db 0xE9
        dw (main16.back24 - ($ + 2)) & 0xFFFF
high_call:
        mov ax, 0x4343
        mov bp, sp
        mov dx, [bp]
        ret

        ROM_END
