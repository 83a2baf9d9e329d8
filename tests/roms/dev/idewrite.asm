; Writes sector 1 of the primary master with "relic!" repeated, by PIO in
; LBA28 mode as a guest driver would, flushes, and exits through 0xf4
; (value 0; value 1 if the drive reports an error). tests/cli.sh checks the
; host image afterwards, with and without -snapshot.
bits 16
org 0
start:  mov dx, 0x1f6
        mov al, 0xe0                    ; LBA, master, LBA bits 27-24 = 0
        out dx, al
        call wait_ready
        mov dx, 0x1f2
        mov al, 1                       ; one sector
        out dx, al
        inc dx                          ; 0x1f3..0x1f5: LBA 1
        mov al, 1
        out dx, al
        inc dx
        xor al, al
        out dx, al
        inc dx
        out dx, al
        mov dx, 0x1f7
        mov al, 0x30                    ; WRITE SECTORS
        out dx, al
.drq:   in al, dx
        test al, 0x01
        jnz bad
        test al, 0x08
        jz .drq
        mov dx, 0x1f0
        mov cx, 256
        xor si, si
.word:  mov bx, si
        and bx, 7
        mov ax, [cs:pattern + bx]
        out dx, ax
        add si, 2
        loop .word
        call wait_ready
        mov dx, 0x1f7
        mov al, 0xe7                    ; FLUSH CACHE
        out dx, al
        call wait_ready
        in al, dx
        test al, 0x01
        jnz bad
        xor al, al
        out 0xf4, al
        hlt
bad:    mov al, 1
        out 0xf4, al
        hlt
wait_ready:
        mov dx, 0x1f7
.w:     in al, dx
        test al, 0x80
        jnz .w
        ret
pattern: db "relic!", 13, 10
times 0xfff0-($-$$) db 0
        jmp 0xf000:start
times 0x10000-($-$$) db 0
