; multiboot.asm: a Multiboot (v1) test kernel for -kernel. It checks the
; machine state and the information structure a boot loader must hand over
; (Multiboot specification 0.6.96, sections 3.1-3.3), says PASS or FAIL n on
; COM1 and port 0xe9, and exits through isa-debug-exit at 0xf4: 0 = pass
; (exit status 1), n = first failed check (status 2n+1).
;
; Variants (nasm -f bin, no linker):
;   (default)    flat image, addresses from the header (a.out kludge, flag 16)
;   -DELF        the same code wrapped in a hand-made ELF32 executable; it
;                also asks for a graphics mode (flag 2), which loaders may
;                pass over (relic and QEMU do: the kernel stays in text mode)
;   -DELF -DFAR  ELF whose segment sits at 256 MiB (for a RAM-bounds refusal)
;   -DBADSUM     header checksum off by one (must be refused)
;   -DWANT=n     n ORed into the header flags (e.g. 8, a requirement no
;                loader knows: must be refused)
;
; What it expects from the command line (tests/boot-multiboot.sh; the same
; runs on QEMU 7.2):
;   cd DIR && relic -kernel kernel -append "hello=world" \
;       -initrd "mod.bin modarg=1,mod.bin" -m 64 ...
; with mod.bin = 5000 bytes, byte i = i mod 251 (multiboot-mod.asm). Multiboot leaves the
; command line to the loader; QEMU passes the kernel's file name, a space,
; then -append, and relic does the same, so the expected string is
; "kernel hello=world".

        bits 32
        cpu 386
        org 0x100000

MB_MAGIC   equ 0x1badb002
MB_BOOTED  equ 0x2badb002
%ifndef WANT
%define WANT 0
%endif
%ifdef ELF
MB_FLAGS   equ 0x00000007 | WANT    ; page-aligned modules, memory info, video
%else
MB_FLAGS   equ 0x00010003 | WANT    ; ... memory info, the address fields below
%endif
%ifdef BADSUM
MB_SUM     equ (1 - (MB_MAGIC + MB_FLAGS)) & 0xffffffff
%else
MB_SUM     equ (-(MB_MAGIC + MB_FLAGS)) & 0xffffffff
%endif
%ifdef FAR
LOAD_ADDR  equ 0x10000000
%else
LOAD_ADDR  equ 0x100000
%endif
BSS_SIZE   equ 0x2000
MOD_LEN    equ 5000
RAM_KIB    equ 64 * 1024

; information structure offsets and flags
MBI_FLAGS equ 0
MBI_MEM_LOWER equ 4
MBI_MEM_UPPER equ 8
MBI_CMDLINE equ 16
MBI_MODS_COUNT equ 20
MBI_MODS_ADDR equ 24
MBI_MMAP_LENGTH equ 44
MBI_MMAP_ADDR equ 48
MBI_LOADER_NAME equ 64
MBI_NEED equ 1 | 4 | 8 | 0x40 | 0x200   ; MEM, CMDLINE, MODS, MMAP, LOADER_NAME

image:
%ifdef ELF
        db 0x7f, 'ELF', 1, 1, 1, 0      ; ELFCLASS32, little-endian, version 1
        times 8 db 0
        dw 2                            ; ET_EXEC
        dw 3                            ; EM_386
        dd 1                            ; EV_CURRENT
        dd start                        ; e_entry
        dd phdr - image                 ; e_phoff
        dd 0                            ; e_shoff: no sections
        dd 0                            ; e_flags
        dw 52, 32, 1                    ; e_ehsize, e_phentsize, e_phnum
        dw 40, 0, 0                     ; e_shentsize, e_shnum, e_shstrndx
phdr:   dd 1                            ; PT_LOAD
        dd 0                            ; p_offset: the whole file
        dd LOAD_ADDR, LOAD_ADDR         ; p_vaddr, p_paddr
        dd image_end - image            ; p_filesz
        dd bss_end - image              ; p_memsz: the loader zeroes the rest
        dd 7, 0x1000                    ; p_flags RWX, p_align
%endif
        align 4, db 0
mbhdr:  dd MB_MAGIC, MB_FLAGS, MB_SUM
%ifdef ELF
        dd 0, 0, 0, 0, 0                ; no address fields (flag 16 clear)
        dd 0, 1024, 768, 32             ; linear 1024x768x32, please
%else
        dd mbhdr, image, image_end, bss_end, start
%endif

known:  dd 0x5a17c0de                   ; read through each data segment

; ZF clear -> fail with check number %1
%macro check 1
        je %%ok
        mov al, %1
        jmp fail
%%ok:
%endmacro

; segment register %1 must be a flat 4 GiB segment (limit, and base 0 as
; far as reading our own image at its link address shows)
%macro flat 2
        mov cx, %1
        lsl ecx, ecx
        cmp ecx, 0xffffffff
        check %2
        cmp dword [%1:known], 0x5a17c0de
        check %2
%endmacro

start:  mov edi, eax                    ; keep the magic and the structure
        mov esi, ebx                    ; until there is a checked stack
        flat cs, 1
        flat ds, 2
        flat es, 3
        flat fs, 4
        flat gs, 5
        flat ss, 6
        mov eax, cr0
        and eax, 0x80000001
        cmp eax, 1                      ; PE on, PG off
        check 7
        pushfd                          ; (any stack will do for one dword:
        pop eax                         ;  the loader's is still valid)
        test eax, 0x20200               ; IF and VM clear
        check 8
        ; A20 on: a write at 1 MiB + x must not show at x
        mov ebx, bss_start
        mov dword [ebx], 0x11111111
        mov edx, [ebx - 0x100000]
        not edx
        mov [ebx], edx
        cmp edx, [ebx - 0x100000]
        setne al
        cmp al, 1
        check 9
        mov dword [ebx], 0
        ; the bss is zeroed by the loader (the first dword just used excepted)
        lea edx, [ebx + 4]
.bss:   cmp dword [edx], 0
        check 10
        add edx, 4
        cmp edx, bss_end
        jb .bss
        mov esp, bss_end
        cmp edi, MB_BOOTED
        check 11
        call report_info
        mov eax, [esi + MBI_FLAGS]
        and eax, MBI_NEED
        cmp eax, MBI_NEED
        check 12
        mov eax, [esi + MBI_MEM_LOWER]
        cmp eax, 640
        seta al
        cmp dword [esi + MBI_MEM_LOWER], 600
        setb ah
        or al, ah
        cmp al, 0                       ; 600..640 KiB below 1 MiB
        check 13
        ; mem_upper: the RAM from 1 MiB, less what the firmware keeps at
        ; the top (both loaders ask the BIOS: SeaBIOS reserves 128 KiB on
        ; QEMU 7.2, 8 KiB on relic, which hands it fewer tables), so a
        ; range: at most 512 KiB short of (RAM - 1 MiB)
        mov eax, [esi + MBI_MEM_UPPER]
        add eax, 1024 + 512
        cmp eax, RAM_KIB
        setb al
        cmp dword [esi + MBI_MEM_UPPER], RAM_KIB - 1024
        seta ah
        or al, ah
        cmp al, 0
        check 14
        push esi
        mov esi, [esi + MBI_CMDLINE]
        mov edi, want_cmdline
        call strcmp
        pop esi
        check 15
        call check_mods
        call check_mmap
        mov ebx, [esi + MBI_LOADER_NAME]
        cmp byte [ebx], 0
        setz al
        cmp al, 0
        check 16
        mov esi, msg_pass
        call puts
        xor al, al
        out 0xf4, al
        hlt

; AL = failed check
fail:   mov esp, bss_end
        push eax
        mov esi, msg_fail
        call puts
        pop eax
        push eax
        movzx eax, al
        call puthex
        mov al, 10
        call putc
        pop eax
        out 0xf4, al
.stop:  hlt
        jmp .stop

; Two modules, both mod.bin: page-aligned, MOD_LEN bytes of i mod 251,
; strings as given to -initrd.
check_mods:
        cmp dword [esi + MBI_MODS_COUNT], 2
        check 20
        mov ebx, [esi + MBI_MODS_ADDR]
        mov edi, want_mod0
        call check_mod
        add ebx, 16
        mov edi, want_mod1
        ; fall through
; EBX = module entry, EDI = its expected string
check_mod:
        push esi
        mov esi, [ebx + 8]
        call strcmp
        pop esi
        check 21
        mov edx, [ebx]                  ; mod_start
        test edx, 0xfff
        check 22
        mov ecx, [ebx + 4]
        sub ecx, edx
        cmp ecx, MOD_LEN
        check 23
        xor ah, ah
.byte:  cmp [edx], ah
        check 24
        inc edx
        inc ah
        cmp ah, 251
        jb .next
        xor ah, ah
.next:  loop .byte
        ret

; The memory map: a usable range from 0 holding mem_lower, one from at most
; 1 MiB holding mem_upper, and no usable byte past the RAM.
check_mmap:
        mov ebx, [esi + MBI_MMAP_ADDR]
        mov ecx, [esi + MBI_MMAP_LENGTH]
        add ecx, ebx
        xor ebp, ebp                    ; bit 0: low range seen, bit 1: high
.entry: cmp ebx, ecx
        jae .done
        cmp dword [ebx + 20], 1         ; type: available
        jne .skip
        cmp dword [ebx + 8], 0          ; base above 4 GiB
        check 30
        cmp dword [ebx + 16], 0         ; length 4 GiB or more
        check 30
        mov eax, [ebx + 4]
        add eax, [ebx + 12]             ; end
        cmp eax, RAM_KIB * 1024
        seta dl
        cmp dl, 0
        check 31
        cmp dword [ebx + 4], 0
        jne .high
        mov edx, [esi + MBI_MEM_LOWER]
        shl edx, 10
        cmp eax, edx
        jb .skip
        or ebp, 1
.high:  cmp dword [ebx + 4], 0x100000
        ja .skip
        mov edx, [esi + MBI_MEM_UPPER]
        shl edx, 10
        add edx, 0x100000
        cmp eax, edx
        jb .skip
        or ebp, 2
.skip:  add ebx, [ebx]
        add ebx, 4
        jmp .entry
.done:  cmp ebp, 3
        check 32
        ret

; What the loader said, for humans: mem_lower, mem_upper, command line,
; loader name.
report_info:
        push esi
        mov ebx, esi
        mov esi, msg_mem
        call puts
        mov eax, [ebx + MBI_MEM_LOWER]
        call puthex
        mov al, ' '
        call putc
        mov eax, [ebx + MBI_MEM_UPPER]
        call puthex
        mov esi, msg_cmdline
        call puts
        mov esi, [ebx + MBI_CMDLINE]
        call puts
        mov esi, msg_loader
        call puts
        mov esi, [ebx + MBI_LOADER_NAME]
        call puts
        mov esi, msg_eol
        call puts
        pop esi
        ret

; ESI, EDI = NUL-terminated strings -> ZF set when equal. Clobbers ESI, EDI, AL.
strcmp: mov al, [esi]
        cmp al, [edi]
        jne .ret
        inc esi
        inc edi
        test al, al
        jnz strcmp
.ret:   ret

putc:   out 0xe9, al
        push edx
        mov dx, 0x3f8
        out dx, al
        pop edx
        ret

puts:   lodsb
        test al, al
        jz .ret
        call putc
        jmp puts
.ret:   ret

; EAX as 8 hex digits
puthex: mov ecx, 8
.digit: rol eax, 4
        push eax
        and al, 15
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 'a' - '9' - 1
.out:   call putc
        pop eax
        loop .digit
        ret

want_cmdline: db 'kernel hello=world', 0
want_mod0:    db 'mod.bin modarg=1', 0
want_mod1:    db 'mod.bin', 0
msg_mem:      db 'multiboot: mem ', 0
msg_cmdline:  db ' cmdline "', 0
msg_loader:   db '" loader "', 0
msg_eol:      db '"', 10, 0
msg_pass:     db 'multiboot: PASS', 10, 0
msg_fail:     db 'multiboot: FAIL ', 0

        align 4, db 0
image_end:
bss_start equ image_end
bss_end   equ image_end + BSS_SIZE
