; Writes a line into the VGA text buffer (mode 3 after reset), POST codes
; 0x01, 0x55, 0xaa to port 0x80, and exits; tests/cli.sh reads the screen
; back with -text-screen and the codes with -d post.
bits 16
org 0
start:  mov ax, 0xb800
        mov es, ax
        mov si, msg
        xor di, di
        mov ah, 0x07
.next:  cs lodsb
        test al, al
        jz .done
        stosw
        jmp .next
.done:  mov di, 160 * 24                ; and something on the last row
        mov ax, 0x1f00 | '>'
        stosw
        mov al, 0x01
        out 0x80, al
        mov al, 0x55
        out 0x80, al
        mov al, 0xaa
        out 0x80, al
        xor al, al
        out 0xf4, al
        hlt
msg:    db "relic text screen", 0
times 0xfff0-($-$$) db 0
        jmp 0xf000:start
times 0x10000-($-$$) db 0
