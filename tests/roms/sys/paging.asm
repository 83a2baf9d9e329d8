; paging.asm -- 32-bit paging without PAE: 4 KiB and 4 MiB pages, accessed
; and dirty bits, global pages, and #PF for each cause with the exact error
; code (bit 0 P, bit 1 W/R, bit 2 U/S), CR2 and saved EIP. The #PF handler
; repairs the entry and IRETs, so every faulting access is also checked to
; complete after the restart.
%define TEST_NAME "paging"
%include "sys.inc"

PD              equ 0x20000         ; page directory
PT0             equ 0x21000         ; identity map of 0-4 MiB (user, r/w)
PT1             equ 0x22000         ; test pages at 4 MiB
PT3             equ 0x23000         ; 12 MiB: page table under a read-only PDE

PG_P            equ 0x001
PG_RW           equ 0x002
PG_US           equ 0x004
PG_A            equ 0x020
PG_D            equ 0x040
PG_PS           equ 0x080
PG_G            equ 0x100
PG_URW          equ PG_P | PG_RW | PG_US

; Linear test pages (PT1 index i -> linear 0x400000 + i*4K, frame
; 0x100000 + i*4K, which is also visible through the identity map).
%define LIN(i)  (0x400000 + (i) * 0x1000)
%define PHYS(i) (0x100000 + (i) * 0x1000)
%define PTE(i)  (PT1 + (i) * 4)
I_NP            equ 0               ; not present
I_RO            equ 1               ; read-only, user
I_SUP           equ 2               ; supervisor only
I_CODE          equ 3               ; code, not present
I_X1            equ 4               ; present ...
I_X2            equ 5               ; ... followed by a not-present page
I_G             equ 6               ; global-page test
I_AD            equ 7               ; accessed/dirty test
I_GB            equ 8               ; alternative frame for the global test
I_UCODE         equ 9               ; user code page

BIG_LIN         equ 0x800000        ; 4 MiB page -> physical 16 MiB
BIG_PHYS        equ 0x1000000
PDRO_LIN        equ 0xC00000        ; PDE read-only, PTE writable
PDRO_PHYS       equ 0x110000

PF_FIX_PTR      equ SCRATCH         ; entry the #PF hook rewrites ...
PF_FIX_VAL      equ SCRATCH + 4     ; ... with this value
COUNT0          equ SCRATCH + 8

; SETPTE i, value -- rewrite a PT1 entry and drop any cached translation.
%macro SETPTE 2
        mov dword [PTE(%1)], %2
        invlpg [LIN(%1)]
%endmacro

; ARMFIX address, value -- what the #PF hook writes before restarting.
%macro ARMFIX 2
        mov dword [PF_FIX_PTR], %1
        mov dword [PF_FIX_VAL], %2
        mov eax, [exc_count]
        mov [COUNT0], eax
%endmacro

; PFCHECK err, cr2, eip -- exactly one #PF with these values was taken.
; (Clobbers EAX.)
%macro PFCHECK 3
        mov eax, [COUNT0]
        inc eax
        CHECK [exc_count], eax
        CHECK [exc_vec], 14
        CHECK [exc_err], %1
        CHECK [exc_cr2], %2
        CHECK [exc_eip], %3
%endmacro

main32:
        STEP 1, "CPUID reports PSE and PGE; build tables; enable paging"
        mov eax, 1
        cpuid
        mov eax, edx
        and eax, (1 << 3) | (1 << 13)
        CHECK eax, (1 << 3) | (1 << 13)
        mov edi, PD                         ; clear PD and page tables
        mov ecx, 4 * 1024
        xor eax, eax
        rep stosd
        mov edi, PT0                        ; identity map 0-4 MiB
        mov eax, PG_URW
        mov ecx, 1024
.id:    stosd
        add eax, 0x1000
        loop .id
        mov dword [PD + 0], PT0 | PG_URW
        mov dword [PD + 4], PT1 | PG_URW
        mov dword [PD + 8], BIG_PHYS | PG_PS | PG_URW
        mov dword [PD + 12], PT3 | PG_P | PG_US         ; read-only PDE
        mov dword [PD + 16], BIG_PHYS | PG_PS | PG_P | PG_RW ; identity 16 MiB
        mov dword [PT3], PDRO_PHYS | PG_URW
        mov edi, PT1                        ; PT1: present user r/w frames
        mov eax, PHYS(0) | PG_URW
        mov ecx, 16
.t1:    stosd
        add eax, 0x1000
        loop .t1
        mov dword [PTE(I_NP)], 0
        mov dword [PTE(I_RO)], PHYS(I_RO) | PG_P | PG_US
        mov dword [PTE(I_SUP)], PHYS(I_SUP) | PG_P | PG_RW
        mov dword [PTE(I_CODE)], 0
        mov dword [PTE(I_X2)], 0
        mov dword [PTE(I_UCODE)], 0
        mov eax, cr4
        or eax, 1 << 4                      ; PSE
        mov cr4, eax
        mov eax, PD
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp .pg                             ; (fetching continues identity mapped)
.pg:    mov eax, cr0
        shr eax, 31
        CHECK eax, 1
        mov dword [exc_hook], pf_hook

        STEP 2, "4 KiB page: linear 4 MiB + x reaches its frame"
        mov dword [LIN(I_X1) + 0x10], 0x4B4B4B4B
        CHECK [PHYS(I_X1) + 0x10], 0x4B4B4B4B
        mov dword [PHYS(I_X1) + 0xFFC], 0x13572468
        CHECK [LIN(I_X1) + 0xFFC], 0x13572468

        STEP 3, "4 MiB page (CR4.PSE): whole 4 MiB offset range maps"
        mov dword [BIG_LIN + 0x1230], 0xB16B16
        CHECK [BIG_PHYS + 0x1230], 0xB16B16
        mov dword [BIG_LIN + 0x3FFFFC], 0xE0DE0D
        CHECK [BIG_PHYS + 0x3FFFFC], 0xE0DE0D
        mov dword [BIG_PHYS + 0x234564], 0x77665544
        CHECK [BIG_LIN + 0x234564], 0x77665544

        STEP 4, "accessed bit on read, dirty bit on write (4 KiB page)"
        and dword [PD + 4], ~(PG_A | PG_D)
        SETPTE I_AD, PHYS(I_AD) | PG_URW
        mov eax, cr3                        ; PDE changed too: flush all
        mov cr3, eax
        mov eax, [LIN(I_AD)]
        mov eax, [PD + 4]
        and eax, PG_A
        CHECK eax, PG_A
        mov eax, [PTE(I_AD)]
        and eax, PG_A | PG_D
        CHECK eax, PG_A
        mov dword [LIN(I_AD) + 8], 1
        mov eax, [PTE(I_AD)]
        and eax, PG_A | PG_D
        CHECK eax, PG_A | PG_D
        CHECK [PTE(I_AD)], PHYS(I_AD) | PG_URW | PG_A | PG_D

        STEP 5, "accessed and dirty bits in a 4 MiB PDE"
        mov dword [PD + 8], BIG_PHYS | PG_PS | PG_URW
        invlpg [BIG_LIN]
        mov eax, [BIG_LIN + 0x100]
        mov eax, [PD + 8]
        and eax, PG_A | PG_D
        CHECK eax, PG_A
        mov dword [BIG_LIN + 0x2000], 5
        mov eax, [PD + 8]
        and eax, PG_A | PG_D
        CHECK eax, PG_A | PG_D

        STEP 6, "#PF not-present read: error 0, CR2, restart completes"
        mov dword [PHYS(I_NP) + 0x24], 0x0BADCAFE
        ARMFIX PTE(I_NP), PHYS(I_NP) | PG_URW
.f6:    mov ecx, [LIN(I_NP) + 0x24]
        PFCHECK 0, LIN(I_NP) + 0x24, .f6
        CHECK ecx, 0x0BADCAFE

        STEP 7, "#PF not-present write: error 2"
        SETPTE I_NP, 0
        ARMFIX PTE(I_NP), PHYS(I_NP) | PG_URW
.f7:    mov dword [LIN(I_NP) + 0x38], 0x600D600D
        PFCHECK 2, LIN(I_NP) + 0x38, .f7
        CHECK [PHYS(I_NP) + 0x38], 0x600D600D

        STEP 8, "#PF user write to a read-only page: error 7"
        ARMFIX PTE(I_RO), PHYS(I_RO) | PG_URW
        mov eax, u_write_ro
        call sys_run_ring3
        PFCHECK 7, LIN(I_RO) + 0x40, u_write_ro
        CHECK [exc_cs], SEL_UCODE
        CHECK [PHYS(I_RO) + 0x40], 0x5555AAAA

        STEP 9, "#PF supervisor write to read-only page, CR0.WP=1: error 3"
        SETPTE I_RO, PHYS(I_RO) | PG_P | PG_US
        mov eax, cr0
        or eax, 1 << 16
        mov cr0, eax
        ARMFIX PTE(I_RO), PHYS(I_RO) | PG_URW
.f9:    mov dword [LIN(I_RO) + 0x44], 0x12121212
        PFCHECK 3, LIN(I_RO) + 0x44, .f9
        CHECK [PHYS(I_RO) + 0x44], 0x12121212

        STEP 10, "supervisor write to read-only page, CR0.WP=0: no fault"
        SETPTE I_RO, PHYS(I_RO) | PG_P | PG_US
        mov eax, cr0
        and eax, ~(1 << 16)
        mov cr0, eax
        mov ebx, [exc_count]
        mov dword [LIN(I_RO) + 0x48], 0x34343434
        CHECK [exc_count], ebx
        CHECK [PHYS(I_RO) + 0x48], 0x34343434

        STEP 11, "#PF user read of a supervisor page: error 5"
        mov dword [PHYS(I_SUP) + 0x50], 0x5A5A0000
        ARMFIX PTE(I_SUP), PHYS(I_SUP) | PG_URW
        mov eax, u_read_sup
        call sys_run_ring3
        PFCHECK 5, LIN(I_SUP) + 0x50, u_read_sup
        CHECK ebx, 0x5A5A0000

        STEP 12, "#PF user write to a supervisor page: error 7"
        SETPTE I_SUP, PHYS(I_SUP) | PG_P | PG_RW
        ARMFIX PTE(I_SUP), PHYS(I_SUP) | PG_URW
        mov eax, u_write_sup
        call sys_run_ring3
        PFCHECK 7, LIN(I_SUP) + 0x54, u_write_sup
        CHECK [PHYS(I_SUP) + 0x54], 0x5A5A1111

        STEP 13, "#PF user write, PTE writable but PDE read-only: error 7"
        ARMFIX PD + 12, PT3 | PG_URW
        mov eax, u_write_pdro
        call sys_run_ring3
        PFCHECK 7, PDRO_LIN + 0x60, u_write_pdro
        CHECK [PDRO_PHYS + 0x60], 0x0F0F0F0F

        STEP 14, "#PF supervisor write under a read-only PDE with WP=1: error 3"
        mov dword [PD + 12], PT3 | PG_P | PG_US
        invlpg [PDRO_LIN]
        mov eax, cr0
        or eax, 1 << 16
        mov cr0, eax
        ARMFIX PD + 12, PT3 | PG_URW
.f14:   mov dword [PDRO_LIN + 0x64], 0xF0F0F0F0
        PFCHECK 3, PDRO_LIN + 0x64, .f14
        CHECK [PDRO_PHYS + 0x64], 0xF0F0F0F0
        mov eax, cr0
        and eax, ~(1 << 16)
        mov cr0, eax

        STEP 15, "#PF supervisor fetch from a not-present page: error 0"
        ; The fault is on the fetch: CR2 and saved EIP are the target.
        mov esi, code_blob                  ; "mov eax, 0x1234; ret"
        mov edi, PHYS(I_CODE) + 0x100
        mov ecx, code_blob_end - code_blob
        rep movsb
        ARMFIX PTE(I_CODE), PHYS(I_CODE) | PG_URW
        xor eax, eax
        call LIN(I_CODE) + 0x100
        mov esi, eax
        PFCHECK 0, LIN(I_CODE) + 0x100, LIN(I_CODE) + 0x100
        CHECK esi, 0x1234

        STEP 16, "#PF user fetch from not-present (4) and supervisor (5) pages"
        mov esi, code_blob
        mov edi, PHYS(I_UCODE) + 0x200
        mov ecx, code_blob_end - code_blob
        rep movsb
        ARMFIX PTE(I_UCODE), PHYS(I_UCODE) | PG_URW
        mov eax, u_call_code
        call sys_run_ring3
        mov esi, eax
        PFCHECK 4, LIN(I_UCODE) + 0x200, LIN(I_UCODE) + 0x200
        CHECK esi, 0x1234
        SETPTE I_UCODE, PHYS(I_UCODE) | PG_P | PG_RW
        ARMFIX PTE(I_UCODE), PHYS(I_UCODE) | PG_URW
        mov eax, u_call_code
        call sys_run_ring3
        mov esi, eax
        PFCHECK 5, LIN(I_UCODE) + 0x200, LIN(I_UCODE) + 0x200
        CHECK esi, 0x1234

        STEP 17, "#PF on a write crossing into a not-present page"
        ; SDM: CR2 is the linear address that caused the fault -- here the
        ; first byte of the second (not-present) page, not the start of the
        ; access. The restarted write must then store all four bytes.
        ARMFIX PTE(I_X2), PHYS(I_X2) | PG_URW
.f17:   mov dword [LIN(I_X2) - 2], 0xDDCCBBAA
        PFCHECK 2, LIN(I_X2), .f17
        CHECKW [PHYS(I_X1) + 0xFFE], 0xBBAA
        CHECKW [PHYS(I_X2)], 0xDDCC
        mov byte [PHYS(I_X2) + 2], 0xEE
        SETPTE I_X2, 0
        ARMFIX PTE(I_X2), PHYS(I_X2) | PG_URW
.f17b:  mov eax, [LIN(I_X2) - 1]            ; read crossing: error 0
        mov esi, eax
        PFCHECK 0, LIN(I_X2), .f17b
        CHECK esi, 0xEEDDCCBB

        STEP 18, "global pages: CR3 reload keeps them, INVLPG drops them"
        mov dword [PHYS(I_G)], 0xAAAA0001   ; frame A
        mov dword [PHYS(I_GB)], 0xBBBB0002  ; frame B
        mov eax, cr4
        or eax, 1 << 7                      ; PGE
        mov cr4, eax
        SETPTE I_G, PHYS(I_G) | PG_URW | PG_G
        CHECK [LIN(I_G)], 0xAAAA0001        ; now cached in the TLB
        mov dword [PTE(I_G)], PHYS(I_GB) | PG_URW | PG_G
        mov eax, cr3
        mov cr3, eax
%ifdef QEMU_QUIRKS
        SKIP "TCG flushes global TLB entries on every CR3 write"
%else
        ; Not architecturally required (a TLB may drop any entry), but a
        ; Pentium Pro class TLB keeps it; relic is expected to as well.
        CHECK [LIN(I_G)], 0xAAAA0001
%endif
        invlpg [LIN(I_G)]
        CHECK [LIN(I_G)], 0xBBBB0002
        ; Non-global entry: a CR3 write must drop it.
        SETPTE I_G, PHYS(I_G) | PG_URW
        CHECK [LIN(I_G)], 0xAAAA0001
        mov dword [PTE(I_G)], PHYS(I_GB) | PG_URW
        mov eax, cr3
        mov cr3, eax
        CHECK [LIN(I_G)], 0xBBBB0002
        ; Clearing CR4.PGE flushes global entries too.
        SETPTE I_G, PHYS(I_G) | PG_URW | PG_G
        CHECK [LIN(I_G)], 0xAAAA0001
        mov dword [PTE(I_G)], PHYS(I_GB) | PG_URW | PG_G
        mov eax, cr4
        and eax, ~(1 << 7)
        mov cr4, eax
        CHECK [LIN(I_G)], 0xBBBB0002

        STEP 19, "paging off again: linear = physical"
        mov dword [exc_hook], 0
        mov eax, cr0
        and eax, 0x7FFFFFFF
        mov cr0, eax
        jmp .nopg
.nopg:  mov dword [0x400000], 0x44440000
        CHECK [0x400000], 0x44440000
        CHECK [PHYS(I_NP) + 0x38], 0x600D600D
        PASS

; #PF hook: rewrite the armed entry, flush it, restart the instruction.
pf_hook:
        cmp dword [ebp + F_VEC], 14
        jne .bad
        mov eax, [PF_FIX_PTR]
        mov edx, [PF_FIX_VAL]
        mov [eax], edx
        mov eax, cr2
        invlpg [eax]
        ret
.bad:   mov dword [exc_hook], 0
        jmp exc_common.unexpected

code_blob:
        mov eax, 0x1234
        ret
code_blob_end:

; Ring-3 helpers (ROM pages are mapped user-accessible).
u_write_ro:
        mov dword [LIN(I_RO) + 0x40], 0x5555AAAA
        int VEC_R3RET
u_read_sup:
        mov ebx, [LIN(I_SUP) + 0x50]
        int VEC_R3RET
u_write_sup:
        mov dword [LIN(I_SUP) + 0x54], 0x5A5A1111
        int VEC_R3RET
u_write_pdro:
        mov dword [PDRO_LIN + 0x60], 0x0F0F0F0F
        int VEC_R3RET
u_call_code:
        xor eax, eax
        call LIN(I_UCODE) + 0x200
        int VEC_R3RET

        ROM_END
