; callgate.asm -- call gates: 32-bit gate ring 3 -> ring 0 with three
; dword parameters copied to the inner stack, RETF n releasing them on both
; stacks; a 16-bit gate (16-bit frame, word parameters); a gate to the same
; privilege level; a gate to a conforming segment; gate protection checks.
%define TEST_NAME "callgate"
%include "sys.inc"

SEL_CG32        equ 0x43            ; DPL3 32-bit call gate -> ring 0, 3 params
SEL_UCODE16     equ 0x4B            ; 16-bit ring-3 code, base 0xF0000
SEL_UDATA16     equ 0x53            ; 16-bit ring-3 data/stack, base 0
SEL_CG16        equ 0x5B            ; DPL3 16-bit call gate -> ring 0, 2 params
SEL_CG0         equ 0x60            ; DPL0 32-bit call gate -> ring 0
SEL_CGNP        equ 0x6B            ; DPL3 gate, not present
SEL_CONF        equ 0x70            ; conforming DPL0 code
SEL_CGCONF      equ 0x7B            ; DPL3 gate -> conforming code

CG_ESP          equ SCRATCH         ; ESP at gate target entry
CG_CS           equ SCRATCH + 4     ; CS at gate target entry
CG_SAVE         equ SCRATCH + 8
CG_FRAME        equ SCRATCH + 0x10  ; up to 8 dwords of the frame
U16_SP          equ 0xF000          ; 16-bit ring-3 stack pointer

; COPYFRAME n, size -- save n stack slots of the given size (frame at SS:ESP).
%macro COPYFRAME 2
        mov [ss:CG_ESP], esp
        mov [ss:CG_SAVE], eax
  %assign i 0
  %rep %1
    %if %2 == 4
        mov eax, [ss:esp + i * 4]
    %else
        movzx eax, word [ss:esp + i * 2]
    %endif
        mov [ss:CG_FRAME + i * 4], eax
    %assign i i + 1
  %endrep
        mov eax, cs
        mov [ss:CG_CS], eax
        mov eax, [ss:CG_SAVE]
%endmacro

main32:
        SET_GATE SEL_CG32, cg32_target, SEL_KCODE, GATE_CALL32 | DPL3, 3
        SET_DESC SEL_UCODE16, ROMBASE, 0xFFFF, ACC_CODE3, 0
        SET_DESC SEL_UDATA16, 0, 0xFFFF, ACC_DATA3, 0
        SET_GATE SEL_CG16, RO(cg16_target), SEL_KCODE16, GATE_CALL16 | DPL3, 2
        SET_GATE SEL_CG0, cg_same, SEL_KCODE, GATE_CALL32, 0
        SET_GATE SEL_CGNP, cg32_target, SEL_KCODE, (GATE_CALL32 | DPL3) & 0x7F, 0
        SET_DESC SEL_CONF, 0, 0xFFFFF, 0x9F, FL_G | FL_32
        SET_GATE SEL_CGCONF, cg_conf, SEL_CONF, GATE_CALL32 | DPL3, 0

        STEP 1, "32-bit call gate ring 3 -> 0 with 3 params: inner frame"
        mov eax, u_cg32
        call sys_run_ring3
        CHECK ecx, 0xC0DE                   ; the target ran
        CHECK [CG_CS], SEL_KCODE            ; at CPL0 (RPL of CS = 0)
        ; Inner stack from TSS.SS0:ESP0 holds, top down: SS3, ESP3, the
        ; three parameters in caller order, CS3, EIP3.
        CHECK [CG_ESP], ESP0_TOP - 7 * 4
        CHECK [CG_FRAME + 0], u_cg32.ret    ; EIP3
        CHECK [CG_FRAME + 4], SEL_UCODE     ; CS3
        CHECK [CG_FRAME + 8], 0x33333333    ; last pushed param
        CHECK [CG_FRAME + 12], 0x22222222
        CHECK [CG_FRAME + 16], 0x11111111   ; first pushed param
        CHECK [CG_FRAME + 20], edi          ; ESP3 at the call (params on it)
        CHECK [CG_FRAME + 24], SEL_UDATA    ; SS3

        STEP 2, "RETF 12 returns to ring 3 and releases params on both stacks"
        CHECK ebx, esi                      ; ring-3 ESP back to pre-push value
        CHECK edx, SEL_UCODE                ; CS after return

        STEP 3, "16-bit call gate from 16-bit ring 3, 2 word params"
        call run_u_cg16
        CHECK ecx, 0xC0DE
        CHECK [CG_CS], SEL_KCODE16
        ; 16-bit frame: SS3, SP3, 2 params, CS3, IP3 -- all words.
        CHECK [CG_ESP], ESP0_TOP - 6 * 2
        CHECK [CG_FRAME + 0], RO(u_cg16.ret)
        CHECK [CG_FRAME + 4], SEL_UCODE16
        CHECK [CG_FRAME + 8], 0xBBBB
        CHECK [CG_FRAME + 12], 0xAAAA
        CHECK [CG_FRAME + 16], U16_SP - 4
        CHECK [CG_FRAME + 20], SEL_UDATA16
        CHECK ebx, U16_SP                   ; RETF 4 released the params
        CHECK edx, SEL_UCODE16

        STEP 4, "call gate at the same privilege: no stack switch, no copy"
        mov ebx, esp
        mov ecx, 0
        push dword 0x5A5A5A5A               ; must not be copied or popped
.c4:    call SEL_CG0:0xDEADBEEF             ; offset in the call is ignored
.r4:    pop eax
        mov esi, esp                        ; (CHECK itself pushes)
        CHECK eax, 0x5A5A5A5A
        CHECK esi, ebx
        CHECK ecx, 0xC0DE
        sub ebx, 4 + 8                      ; param slot + CS:EIP
        CHECK [CG_ESP], ebx
        CHECK [CG_FRAME + 0], .r4
        CHECK [CG_FRAME + 4], SEL_KCODE
        CHECK [CG_FRAME + 8], 0x5A5A5A5A

        STEP 5, "gate to a conforming segment from ring 3: CPL stays 3"
        mov eax, u_cgconf
        call sys_run_ring3
        CHECK ecx, 0xC0DE
        ; SDM CALL, SAME-PRIVILEGE via a call gate: CS(RPL) <- CPL, so the
        ; conforming DPL0 segment runs as CS = SEL_CONF|3.
%ifdef QEMU_QUIRKS
        SKIP "TCG loads CS.RPL = code DPL (0), not CPL, via a call gate"
        mov eax, [CG_CS]
        and eax, 0xFFFC
        CHECK eax, SEL_CONF
%else
        CHECK [CG_CS], SEL_CONF | 3
%endif
        CHECK [CG_ESP], edi                 ; on the ring-3 stack
        CHECK [CG_FRAME + 0], u_cgconf.ret
        CHECK [CG_FRAME + 4], SEL_UCODE
        CHECK [CG_FRAME + 8], 0x77777777    ; no copy: caller's own stack

        STEP 6, "gate checks: DPL<CPL #GP, not present #NP, JMP inward #GP"
        mov eax, u_gate_checks
        call sys_run_ring3
        CHECK eax, 0x600D
        PASS

; sys_run_ring3 for 16-bit ring-3 code: CS = SEL_UCODE16, SS = SEL_UDATA16.
run_u_cg16:
        pushad
        mov [r3_saved_esp], esp
        push dword SEL_UDATA16
        push dword U16_SP
        push dword 2
        push dword SEL_UCODE16
        push dword RO(u_cg16)
        iretd

; ------------------------------------------------------- gate targets
cg32_target:                                ; ring 0 via SEL_CG32
        COPYFRAME 7, 4
        mov ecx, 0xC0DE
        retf 12

cg_same:                                    ; ring 0 via SEL_CG0 from ring 0
        COPYFRAME 3, 4
        mov ecx, 0xC0DE
        retf

cg_conf:                                    ; conforming, runs at CPL3
        COPYFRAME 3, 4
        mov ecx, 0xC0DE
        retf

        bits 16
cg16_target:                                ; ring 0, 16-bit, via SEL_CG16
        COPYFRAME 6, 2
        mov ecx, 0xC0DE
        retf 4

; ---------------------------------------------------------- ring-3 code
u_cg16:                                     ; 16-bit ring 3, SS:SP 16-bit
        push word 0xAAAA
        push word 0xBBBB
        call SEL_CG16:0
.ret:   movzx ebx, sp                       ; B=0 stack: ESP[31:16] undefined
        mov edx, cs
        int VEC_R3RET                       ; through the 32-bit gate: fine

        bits 32
u_cg32:
        mov esi, esp
        push dword 0x11111111
        push dword 0x22222222
        push dword 0x33333333
        mov edi, esp
        xor ecx, ecx
        call SEL_CG32:0
.ret:   mov ebx, esp
        mov edx, cs
        int VEC_R3RET

u_cgconf:
        push dword 0x77777777
        xor ecx, ecx
        lea edi, [esp - 8]
        call SEL_CGCONF:0
.ret:   pop eax
        int VEC_R3RET

u_gate_checks:
        ; Gate DPL 0 < CPL 3: #GP(gate selector).
        FAULT 13, SEL_CG0, {call (SEL_CG0 | 3):0}
        ; Not-present gate: #NP(gate selector), checked after the DPL.
        FAULT 11, SEL_CGNP & 0xFFFC, {call SEL_CGNP:0}
        ; JMP cannot change privilege: target DPL0 non-conforming from CPL3
        ; is #GP(target code selector).
        FAULT 13, SEL_KCODE, {jmp SEL_CG32:0}
        mov eax, 0x600D
        int VEC_R3RET

        ROM_END
