; CPL right after MOV CR0 sets PE: it is 0 until CS is reloaded, whatever
; the low bits of the real-mode CS selector are (here 1). A CPU that takes
; CPL from CS.RPL faults on the privileged MOV from CR0 that follows; with
; no IDT that is a triple fault, and the reset path below reports it.
bits 16
org 0
marker  equ 0x500

reset:  xor ax, ax
        mov ds, ax
        cmp word [marker], 0x1234
        jne .first
        mov al, 2                       ; we came back through a reset: fail
        out 0xf4, al
        hlt
.first: mov word [marker], 0x1234
        jmp 0xf001:odd_cs - 0x10        ; CS = F001: RPL bits are 1

odd_cs: cli
        lidt [cs:idt0 - 0x10]           ; no IDT: any fault becomes a triple fault
        mov eax, cr0
        or al, 1
        mov cr0, eax
        mov eax, cr0                    ; privileged: needs CPL 0
        mov ebx, cr3
        and al, 0xfe
        mov cr0, eax
        xor ax, ax
        mov [marker], ax
        out 0xf4, al                    ; pass
        hlt

idt0:   dw 0
        dd 0

times 0xfff0-($-$$) db 0
        jmp 0xf000:reset
times 0x10000-($-$$) db 0
