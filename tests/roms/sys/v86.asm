; v86.asm -- virtual-8086 mode under a small 32-bit ring-0 monitor:
; entry by IRET with EFLAGS.VM=1, real-mode segment arithmetic, the ring-0
; frame on entry from v86 (GS FS DS ES SS ESP EFLAGS CS EIP) with the data
; segment registers zeroed, IOPL-sensitive PUSHF/POPF/CLI/STI/INT/IRET
; trapping as #GP(0) with IOPL<3 (the monitor emulates them and reflects
; INT n to a real-mode IVT handler), the I/O bitmap for IN/OUT whatever the
; IOPL, and INT n going straight through the IDT with IOPL=3.
%define TEST_NAME "v86"
%include "sys.inc"

TSS1            equ 0x30000         ; TSS with an I/O bitmap
SEL_TSS1        equ SEL_FREE
IOMAP_OFF       equ 0x68

V_CS            equ 0xF000
V_DS            equ 0x2000          ; v86 data at linear 0x20000
V_SS            equ 0x5000
V_SP            equ 0x1000          ; v86 stack top at linear 0x51000
%define VDATA(off) (V_DS * 16 + (off))

; Monitor state.
M_SAVED_ESP     equ SCRATCH
M_FRAME         equ SCRATCH + 0x10  ; first #GP frame from v86 (10 dwords)
M_SEGS          equ SCRATCH + 0x40  ; DS ES FS GS at handler entry
M_ESP           equ SCRATCH + 0x50  ; ESP at handler entry
M_FIRST         equ SCRATCH + 0x54
M_VIF           equ SCRATCH + 0x58  ; virtual IF
N_PUSHF         equ SCRATCH + 0x60  ; counts of emulated instructions
N_POPF          equ SCRATCH + 0x64
N_CLI           equ SCRATCH + 0x68
N_STI           equ SCRATCH + 0x6C
N_INT           equ SCRATCH + 0x70
N_IRET          equ SCRATCH + 0x74
N_IO            equ SCRATCH + 0x78
H43_FRAME       equ SCRATCH + 0x80  ; INT 0x43 via the IDT (9 dwords)
H43_ESP         equ SCRATCH + 0xB0
H43_DS          equ SCRATCH + 0xB4

; v86 frame offsets from EBP in the monitor (after PUSHAD)
G_ERR   equ 32
G_EIP   equ 36
G_CS    equ 40
G_EFL   equ 44
G_ESP   equ 48
G_SS    equ 52

main32:
        ; TSS with an I/O bitmap that allows port 0xE9 only.
        mov edi, TSS1
        mov ecx, 0x68 / 4
        xor eax, eax
        rep stosd
        mov dword [TSS1 + 4], ESP0_TOP
        mov dword [TSS1 + 8], SEL_KDATA
        mov word [TSS1 + 0x66], IOMAP_OFF
        mov edi, TSS1 + IOMAP_OFF
        mov ecx, 8192 + 1
        mov al, 0xFF
        rep stosb
        mov eax, 0xE9
        btr [TSS1 + IOMAP_OFF], eax
        SET_DESC SEL_TSS1, TSS1, IOMAP_OFF + 8192, ACC_TSS32, 0
        mov ax, SEL_TSS1
        ltr ax
        SET_IDT 13, v86_gp, SEL_KCODE, GATE_INT32
        SET_IDT 0x43, h43, SEL_KCODE, GATE_INT32 | DPL3
        mov word [0x42 * 4], RO(v86_int42)  ; real-mode IVT entry
        mov word [0x42 * 4 + 2], V_CS
        mov edi, SCRATCH
        mov ecx, 0x100 / 4
        xor eax, eax
        rep stosd
        mov dword [M_FIRST], 1
        mov dword [M_VIF], 1

        STEP 1, "IRET with VM=1 enters v86; segment*16 addressing"
        mov eax, RO(v86_prog)
        mov ebx, 0x00020002                 ; VM, IOPL 0, IF 0
        call run_v86
        CHECK [VDATA(0x10)], 0x1234         ; written via DS=0x2000:0x10
        CHECKW [VDATA(0x20)], 0x1234        ; read back via ES=0x2001:0
        CHECKW [0x100000], 0xFFFF           ; FFFF:0010 = 1 MiB, no wrap

        STEP 2, "ring-0 frame on entry from v86: GS FS DS ES SS ESP EFL CS EIP"
        CHECK [M_ESP], ESP0_TOP - 10 * 4    ; 9 dwords + error code
        CHECK [M_FRAME + 0], 0              ; #GP(0)
        CHECK [M_FRAME + 4], RO(v86_prog.pushf)
        CHECK [M_FRAME + 8], V_CS
        mov eax, [M_FRAME + 12]
        and eax, 0x00023000                 ; VM set, IOPL 0
        CHECK eax, 0x00020000
        CHECK [M_FRAME + 16], V_SP
        CHECK [M_FRAME + 20], V_SS
        CHECK [M_FRAME + 24], 0x2001        ; ES
        CHECK [M_FRAME + 28], V_DS          ; DS
        CHECK [M_FRAME + 32], 0x3000        ; FS
        CHECK [M_FRAME + 36], 0x4000        ; GS

        STEP 3, "the monitor runs with DS/ES/FS/GS zeroed (null)"
        CHECK [M_SEGS + 0], 0
        CHECK [M_SEGS + 4], 0
        CHECK [M_SEGS + 8], 0
        CHECK [M_SEGS + 12], 0

        STEP 4, "IOPL<3: PUSHF/POPF/CLI/STI/INT/IRET trap as #GP(0)"
        CHECK [N_PUSHF], 1
        CHECK [N_POPF], 1
        CHECK [N_CLI], 1
        CHECK [N_STI], 1
        CHECK [N_INT], 1
        CHECK [N_IRET], 1
        CHECKW [VDATA(0x22)], 0x0246        ; virtual IF=1, ZF+PF from XOR

        STEP 5, "INT 0x42 reflected to the real-mode IVT handler and back"
        CHECKW [VDATA(0x24)], 0x4242        ; the IVT handler ran
        CHECKW [VDATA(0x26)], RO(v86_prog.after_int)   ; return IP it saw
        CHECKW [VDATA(0x28)], V_CS
        CHECKW [VDATA(0x2A)], 0x5A5A        ; code after the INT ran

        STEP 6, "v86 IN/OUT use the I/O bitmap: 0xE9 allowed, 0xE8 #GP"
        CHECK [N_IO], 1
        CHECKW [VDATA(0x2C)], 0x600D

        STEP 7, "IOPL=3: INT n goes through the IDT with the v86 frame"
        mov dword [N_IO], 0
        mov eax, RO(v86_iopl3)
        mov ebx, 0x00023002                 ; VM, IOPL 3
        call run_v86
        CHECK [H43_ESP], ESP0_TOP - 9 * 4   ; no error code
        CHECK [H43_FRAME + 0], RO(v86_iopl3.after_int)
        CHECK [H43_FRAME + 4], V_CS
        mov eax, [H43_FRAME + 8]
        and eax, 0x00023000
        CHECK eax, 0x00023000
        CHECK [H43_FRAME + 12], V_SP
        CHECK [H43_FRAME + 16], V_SS
        CHECK [H43_FRAME + 20], 0x2222      ; ES
        CHECK [H43_FRAME + 24], V_DS        ; DS
        CHECK [H43_FRAME + 28], 0x3333      ; FS
        CHECK [H43_FRAME + 32], 0x4444      ; GS
        CHECK [H43_DS], 0
        CHECKW [VDATA(0x30)], 0x4343        ; v86 resumed after IRET
        mov ax, [VDATA(0x32)]               ; PUSHF sees the real IOPL=3
        and ax, 0x3000
        CHECKW ax, 0x3000

        STEP 8, "IOPL=3 does not open I/O in v86: the bitmap still rules"
        CHECK [N_IO], 1
        CHECK [N_PUSHF], 1                  ; nothing else trapped
        CHECK [N_CLI], 1
        PASS

; EAX = v86 IP (CS = 0xF000), EBX = EFLAGS. Returns when v86 code HLTs.
run_v86:
        pushad
        mov [M_SAVED_ESP], esp
        push dword 0x4000                   ; GS
        push dword 0x3000                   ; FS
        push dword V_DS                     ; DS
        push dword V_DS                     ; ES
        push dword V_SS
        push dword V_SP
        push ebx
        push dword V_CS
        push eax
        iretd

; INT 0x43 from v86 with IOPL=3 (DPL3 interrupt gate).
h43:
        mov [ss:H43_ESP], esp
        push eax
        mov eax, ds
        mov [ss:H43_DS], eax
%assign i 0
%rep 9
        mov eax, [ss:esp + 4 + i * 4]
        mov [ss:H43_FRAME + i * 4], eax
  %assign i i + 1
%endrep
        pop eax
        iretd                               ; VM=1 image: back to v86

; #GP monitor for v86 mode.
v86_gp:
        mov [ss:M_ESP], esp
        push eax
        mov eax, ds
        mov [ss:M_SEGS + 0], eax
        mov eax, es
        mov [ss:M_SEGS + 4], eax
        mov eax, fs
        mov [ss:M_SEGS + 8], eax
        mov eax, gs
        mov [ss:M_SEGS + 12], eax
        pop eax
        pushad
        mov ebp, esp
        mov ax, SEL_KDATA
        mov ds, ax
        mov es, ax
        test dword [ebp + G_EFL], 0x20000
        jz .not_v86
        cmp dword [M_FIRST], 0
        je .decode
        mov dword [M_FIRST], 0
        lea esi, [ebp + G_ERR]
        mov edi, M_FRAME
        mov ecx, 10
        rep movsd
.decode:
        movzx esi, word [ebp + G_CS]        ; linear CS:IP
        shl esi, 4
        movzx eax, word [ebp + G_EIP]
        add esi, eax
        movzx eax, byte [esi]
        cmp al, 0x9C
        je .pushf
        cmp al, 0x9D
        je .popf
        cmp al, 0xFA
        je .cli
        cmp al, 0xFB
        je .sti
        cmp al, 0xCD
        je .int
        cmp al, 0xCF
        je .iret
        cmp al, 0xE6
        je .out_imm
        cmp al, 0xF4
        je .hlt
.not_v86:
        jmp .bad

.pushf: inc dword [N_PUSHF]
        call vflags
        call vpush
        inc word [ebp + G_EIP]
        jmp .done
.popf:  inc dword [N_POPF]
        call vpop
        call set_vflags
        inc word [ebp + G_EIP]
        jmp .done
.cli:   inc dword [N_CLI]
        mov dword [M_VIF], 0
        inc word [ebp + G_EIP]
        jmp .done
.sti:   inc dword [N_STI]
        mov dword [M_VIF], 1
        inc word [ebp + G_EIP]
        jmp .done
.int:   inc dword [N_INT]                   ; reflect through the IVT
        movzx ebx, byte [esi + 1]
        call vflags
        call vpush
        mov eax, [ebp + G_CS]
        call vpush
        mov eax, [ebp + G_EIP]
        add eax, 2
        call vpush
        mov dword [M_VIF], 0
        and dword [ebp + G_EFL], ~0x100     ; TF
        movzx eax, word [ebx * 4]
        mov [ebp + G_EIP], eax
        movzx eax, word [ebx * 4 + 2]
        mov [ebp + G_CS], eax
        jmp .done
.iret:  inc dword [N_IRET]
        call vpop
        mov [ebp + G_EIP], eax
        call vpop
        mov [ebp + G_CS], eax
        call vpop
        call set_vflags
        jmp .done
.out_imm:
        inc dword [N_IO]                    ; denied port: skip it
        add word [ebp + G_EIP], 2
        jmp .done
.hlt:   mov ax, SEL_KDATA                   ; leave v86: back to run_v86's caller
        mov fs, ax
        mov gs, ax
        mov esp, [M_SAVED_ESP]
        popad
        ret
.done:  popad
        add esp, 4                          ; error code
        iretd
.bad:   PRINT "monitor: unexpected #GP at "
        PRINTHEX [ebp + G_CS]
        PRINT ":"
        PRINTHEX [ebp + G_EIP]
        PRINT {10}
        FAIL

; Monitor helpers (EBP = v86 frame).
vflags:                                     ; EAX = FLAGS image with virtual IF
        mov eax, [ebp + G_EFL]
        and eax, 0xFDFF
        cmp dword [M_VIF], 0
        je .r
        or eax, 0x200
.r:     ret
set_vflags:                                 ; from a popped FLAGS image in EAX
        mov edx, eax
        shr edx, 9
        and edx, 1
        mov [M_VIF], edx
        and eax, 0x0CD5                     ; OF DF SF ZF AF PF CF
        and dword [ebp + G_EFL], ~0x0CD5
        or [ebp + G_EFL], eax
        ret
vpush:                                      ; push AX on the v86 stack
        sub word [ebp + G_ESP], 2
        movzx edx, word [ebp + G_SS]
        shl edx, 4
        movzx ecx, word [ebp + G_ESP]
        mov [edx + ecx], ax
        ret
vpop:                                       ; EAX = word popped off it
        movzx edx, word [ebp + G_SS]
        shl edx, 4
        movzx ecx, word [ebp + G_ESP]
        movzx eax, word [edx + ecx]
        add word [ebp + G_ESP], 2
        ret

; ------------------------------------------------------------- v86 code
        bits 16
v86_prog:                                   ; DS = ES = 0x2000
        mov word [0x10], 0x1234
        mov ax, 0x2001                      ; 0x2001:0 = 0x20010
        mov es, ax
        mov ax, [es:0]
        mov [0x20], ax
        mov ax, 0xFFFF                      ; FFFF:0010 = 0x100000
        mov es, ax
        mov word [es:0x10], 0xFFFF
        mov ax, 0x2001
        mov es, ax
        mov ax, 0x3000
        mov fs, ax
        mov ax, 0x4000
        mov gs, ax
        xor ax, ax                          ; ZF=1 for the PUSHF image
.pushf: pushf
        pop word [0x22]
        cli
        sti
        push word 0x0202
        popf
        int 0x42
.after_int:
        mov word [0x2A], 0x5A5A
        mov al, 'v'
        out 0xE9, al                        ; allowed by the bitmap
        mov al, 10
        out 0xE9, al
        out 0xE8, al                        ; denied: #GP, skipped
        mov word [0x2C], 0x600D
        hlt                                 ; privileged: #GP, monitor exits

v86_int42:                                  ; a real-mode style handler
        mov word [0x24], 0x4242
        push bp
        mov bp, sp
        mov ax, [bp + 2]                    ; IP pushed by the "INT"
        mov [0x26], ax
        mov ax, [bp + 4]                    ; CS
        mov [0x28], ax
        pop bp
        iret

v86_iopl3:
        mov ax, 0x2222
        mov es, ax
        mov ax, 0x3333
        mov fs, ax
        mov ax, 0x4444
        mov gs, ax
        pushf                               ; IOPL=3: no trap
        pop word [0x32]
        cli                                 ; no trap (IF was already 0)
        int 0x43                            ; straight to the IDT
.after_int:
        mov word [0x30], 0x4343
        out 0xE8, al                        ; still denied by the bitmap
        hlt
        bits 32

        ROM_END
