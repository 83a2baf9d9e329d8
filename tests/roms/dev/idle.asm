; Writes a line into the VGA text buffer, then halts with interrupts on
; for ever, so tests/monitor.sh has a live guest to poke at. It echoes
; what arrives on COM1 (IRQ 4), which shows where the stdio mux sends
; keys. Every other vector points at an IRET: keys sent by the monitor
; raise IRQ 1 (masked here, but a stray vector must not run off).
bits 16
org 0
COM1    equ 0x3f8
start:  cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov es, ax
        xor di, di
        mov cx, 256
.ivt:   mov ax, ignore
        stosw
        mov ax, 0xf000
        stosw
        loop .ivt
        mov word [es:0x0c * 4], com1_irq
        mov al, 0x11                    ; PIC: ICW1..4, IRQs at vector 8
        out 0x20, al
        mov al, 0x08
        out 0x21, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x01
        out 0x21, al
        mov al, 0xef                    ; only IRQ 4
        out 0x21, al
        mov dx, COM1 + 4
        mov al, 0x08                    ; OUT2 gates the IRQ on a PC
        out dx, al
        mov dx, COM1 + 1
        mov al, 0x01                    ; interrupt on received data
        out dx, al
        mov ax, 0xb800
        mov es, ax
        mov si, msg
        xor di, di
        mov ah, 0x07
.next:  cs lodsb
        test al, al
        jz .idle
        stosw
        jmp .next
.idle:  sti
        hlt
        jmp .idle

com1_irq:
        push ax
        push dx
.more:  mov dx, COM1 + 5
        in al, dx
        test al, 1
        jz .done
        mov dx, COM1
        in al, dx
        out dx, al
        jmp .more
.done:  mov al, 0x20
        out 0x20, al
        pop dx
        pop ax
ignore: iret
msg:    db "relic monitor test", 0
times 0xfff0-($-$$) db 0
        jmp 0xf000:start
times 0x10000-($-$$) db 0
