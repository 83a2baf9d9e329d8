; relic's Linux loader option ROM.
;
; SeaBIOS runs the ROM's init entry at POST (it only returns) and lists the
; ROM as a boot device through the bootstrap entry vector (BEV) of its PnP
; expansion header; the boot menu shows it as "relic Linux loader". When
; chosen, the BEV loads a Linux bzImage that the board handed over through
; the fw_cfg interface and starts it by the 16-bit boot protocol (2.x) or,
; when FW_CFG_KERNEL_ENTRY is not 0, starts a Multiboot v1 kernel (see
; "Multiboot" below). To be booted first, the board lists it in SeaBIOS's
; fw_cfg "bootorder" file as /rom@genroms/linuxboot.bin.
;
; The contract with the board (fw_cfg, selector port 0x510 written with a
; 16-bit key, data port 0x511 read byte by byte; numbers little-endian):
;   0x0000 FW_CFG_SIGNATURE   must read "QEMU" (else the BEV returns: next boot device)
;   0x0008 FW_CFG_KERNEL_SIZE 32-bit, 0 = no kernel (the BEV returns)
;   0x0010 FW_CFG_KERNEL_ENTRY 32-bit, 0 (or absent) for Linux, else Multiboot
;   0x0016 SETUP_ADDR   0x0017 SETUP_SIZE   0x0018 SETUP_DATA    real-mode part (boot sector + setup)
;   0x0007 KERNEL_ADDR  0x0008 KERNEL_SIZE  0x0011 KERNEL_DATA   protected-mode part
;   0x000a INITRD_ADDR  0x000b INITRD_SIZE  0x0012 INITRD_DATA   (size 0: none)
;   0x0013 CMDLINE_ADDR 0x0014 CMDLINE_SIZE 0x0015 CMDLINE_DATA  NUL-terminated (size 0: none)
; Each blob is copied, whole, to its address (anywhere in the 4 GiB space:
; the copy runs in "unreal" mode with A20 enabled through port 0x92). The
; board must already have patched the setup header in SETUP_DATA the way a
; boot loader does: type_of_loader, loadflags (CAN_USE_HEAP, LOADED_HIGH
; as the image has it), heap_end_ptr, cmd_line_ptr (and for protocol < 2.02
; the old cmd_line_magic/offset), ramdisk_image, ramdisk_size. SETUP_ADDR
; must be 16-byte aligned and below 1 MiB, with 64 KiB free from it.
;
; Start of the kernel: DS = ES = FS = GS = SS = SETUP_ADDR >> 4,
; SP = heap_end_ptr + 0x200 (the top of the setup heap/stack; 0xfff0 when
; heap_end_ptr is 0), interrupts off, and a far jump to
; (SETUP_ADDR >> 4) + 0x20 : 0000.
;
; Build: nasm -f bin linuxboot.asm -o linuxboot.bin. The last byte is the
; ROM checksum, which nasm cannot compute over code: set it afterwards so
; the whole image adds up to 0 mod 256, e.g. with:
;   python3 -c "import sys;p=sys.argv[1];b=bytearray(open(p,'rb').read());b[-1]=(-sum(b[:-1]))&255;open(p,'wb').write(b)" linuxboot.bin
; Debian 12's SeaBIOS (1.16.2) skips a ROM whose checksum is wrong (seen on QEMU).

        bits 16
        cpu 386
        org 0

ROM_BLOCKS      equ 2                   ; size in 512-byte blocks

FW_CFG_PORT_SEL equ 0x510
FW_CFG_PORT_DATA equ 0x511

FW_CFG_SIGNATURE    equ 0x00
FW_CFG_KERNEL_ADDR  equ 0x07
FW_CFG_KERNEL_SIZE  equ 0x08
FW_CFG_INITRD_ADDR  equ 0x0a
FW_CFG_INITRD_SIZE  equ 0x0b
FW_CFG_KERNEL_ENTRY equ 0x10
FW_CFG_KERNEL_DATA  equ 0x11
FW_CFG_INITRD_DATA  equ 0x12
FW_CFG_CMDLINE_ADDR equ 0x13
FW_CFG_CMDLINE_SIZE equ 0x14
FW_CFG_CMDLINE_DATA equ 0x15
FW_CFG_SETUP_ADDR   equ 0x16
FW_CFG_SETUP_SIZE   equ 0x17
FW_CFG_SETUP_DATA   equ 0x18

HDR_HEAP_END_PTR equ 0x224              ; setup header field (offset from SETUP_ADDR)

; ---- option ROM header ----
rom_start:
        db 0x55, 0xaa
        db ROM_BLOCKS
        jmp near init                   ; offset 3: initialisation entry (far-called at POST)
        times 0x18 - ($ - $$) db 0
        dw 0                            ; 0x18: no PCI data structure (not a PCI ROM)
        dw pnp - $$                     ; 0x1a: PnP expansion header

        align 16, db 0
; ---- PnP expansion header (32 bytes) ----
pnp:
        db '$PnP'
        db 1                            ; structure revision
        db 2                            ; length in 16-byte units
        dw 0                            ; next header: none
        db 0                            ; reserved
        db (-(PNP_SUM)) & 0xff          ; checksum of these 32 bytes
        dd 0                            ; device identifier
        dw manufacturer - $$
        dw product - $$
        db 0, 0, 0                      ; device type code
        db 0                            ; device indicators
        dw 0                            ; boot connection vector: none
        dw 0                            ; disconnect vector
        dw bev - $$                     ; bootstrap entry vector
        dw 0                            ; reserved
        dw 0                            ; static resource information vector
pnp_end:

; The header's byte sum, from its constant fields and the three pointers.
%define LOHI(x) (((x) - $$) & 0xff) + ((((x) - $$) >> 8) & 0xff)
PNP_SUM equ '$' + 'P' + 'n' + 'P' + 1 + 2 + LOHI(manufacturer) + LOHI(product) + LOHI(bev)

manufacturer:   db 'relic', 0
product:        db 'relic Linux loader', 0

; ---- initialisation: nothing to set up ----
init:
        retf

; ---- fw_cfg helpers ----

; ax = key -> selects it; dx = data port
fw_select:
        mov dx, FW_CFG_PORT_SEL
        out dx, ax
        inc dx
        ret

; ax = key -> eax = its 32-bit value. Clobbers dx, cx.
fw_read32:
        call fw_select
        mov cx, 4
.byte:  in al, dx                       ; little-endian: after four rotations
        ror eax, 8                      ; the first byte is the lowest
        loop .byte
        ret

; Global descriptor table for the unreal-mode switch: a flat 4 GiB data
; segment (accessed bit preset, so the CPU need not write this ROM).
        align 8, db 0
gdt:    dq 0
        dw 0xffff, 0x0000               ; limit 0-15, base 0-15
        db 0x00, 0x93, 0xcf, 0x00       ; base 16-23, present RW data accessed, G + D, base 24-31
        dw 0xffff, 0x0000               ; 32-bit flat code (Multiboot entry)
        db 0x00, 0x9b, 0xcf, 0x00       ; present exec/read accessed, G + D
gdt_end:
SEL_FLAT equ 8
SEL_CODE32 equ 16

; Each blob: address key, size key, data key.
blobs:  dw FW_CFG_SETUP_ADDR, FW_CFG_SETUP_SIZE, FW_CFG_SETUP_DATA
        dw FW_CFG_KERNEL_ADDR, FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA
        dw FW_CFG_INITRD_ADDR, FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA
        dw FW_CFG_CMDLINE_ADDR, FW_CFG_CMDLINE_SIZE, FW_CFG_CMDLINE_DATA
        dw 0xffff

; ---- bootstrap entry: far-called by the BIOS when this device boots ----
bev:
        push ds
        push cs
        pop ds
        cld
        ; Is fw_cfg there, with a kernel?
        mov ax, FW_CFG_SIGNATURE
        call fw_read32
        cmp eax, 'QEMU'
        jne .no_kernel
        mov ax, FW_CFG_KERNEL_SIZE
        call fw_read32
        test eax, eax
        jz .no_kernel

        cli
        ; A20 on (fast A20, port 0x92), without touching the reset bit.
        in al, 0x92
        or al, 2
        and al, 0xfe
        out 0x92, al

        ; Unreal mode: ES gets a 4 GiB limit, then real mode again.
        call load_gdt
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp short .pm                   ; flush the prefetch queue (486 and earlier)
.pm:    mov bx, SEL_FLAT
        mov es, bx
        and al, 0xfe
        mov cr0, eax
        jmp short .rm
.rm:    xor bx, bx
        mov es, bx                      ; base 0, the 4 GiB limit stays cached

        ; Copy the blobs straight from the data port to their addresses.
        mov si, blobs - $$
.blob:  lodsw
        cmp ax, 0xffff
        je .loaded
        call fw_read32
        mov edi, eax                    ; destination
        lodsw
        call fw_read32
        mov ecx, eax                    ; length
        lodsw                           ; data key
        jecxz .blob
        call fw_select
        a32 rep insb                    ; ES:EDI <- port 0x511, ECX bytes
        jmp .blob

.loaded:
        mov ax, FW_CFG_KERNEL_ENTRY
        call fw_read32
        test eax, eax
        jnz multiboot
        ; Real-mode entry of the kernel's setup code.
        mov ax, FW_CFG_SETUP_ADDR
        call fw_read32
        shr eax, 4
        mov bx, ax                      ; the setup segment
        mov ds, bx
        mov es, bx
        mov fs, bx
        mov gs, bx
        mov ax, [HDR_HEAP_END_PTR]
        test ax, ax
        jz .no_heap
        add ax, 0x200
        jmp short .stack
.no_heap:
        mov ax, 0xfff0
.stack: mov ss, bx
        mov sp, ax                      ; (the mov to SS holds off interrupts for this one)
        add bx, 0x20
        push bx
        push word 0
        retf                            ; CS = setup segment + 0x20, IP = 0

.no_kernel:
        pop ds
        retf                            ; the BIOS tries the next boot device

; Loads GDTR with our table (its linear address depends on where the BIOS
; put the ROM). Clobbers eax, bx.
load_gdt:
        xor eax, eax
        mov ax, cs
        shl eax, 4
        add eax, gdt - $$
        push eax                        ; GDTR base
        push word gdt_end - gdt - 1     ; GDTR limit
        mov bx, sp
        o32 lgdt [ss:bx]
        add sp, 6
        ret

; ---- Multiboot v1 (FW_CFG_KERNEL_ENTRY != 0) ----
; The board has put the kernel image, with the modules after it (KERNEL
; blob), and the Multiboot information structure, with the module list and
; the strings (INITRD blob, INITRD_ADDR = the structure's address), where
; they belong; both blobs are copied by now (src/machine/multiboot.c).
; Left to do here, from the BIOS: mem_lower (INT 12h), the memory map
; (INT 15h E820) into the buffer at the structure's mmap_addr, with
; mmap_length, and mem_upper (usable memory contiguous from 1 MiB, in KiB).
; The structure and the map buffer must be 16-byte aligned and below
; 1 MiB; the board sets the flags (bits 0 and 6) itself.
multiboot:
        mov ebp, eax                    ; entry point
        mov ax, FW_CFG_INITRD_ADDR
        call fw_read32
        mov esi, eax                    ; the information structure
        shr eax, 4
        mov fs, ax
        int 0x12                        ; KiB below the EBDA
        movzx eax, ax
        mov [fs:4], eax                 ; mem_lower
        mov eax, [fs:48]                ; mmap_addr
        shr eax, 4
        mov es, ax
        xor edi, edi
        xor ebx, ebx
        mov dword [fs:44], 0            ; mmap_length
.e820:  add di, 4                       ; each entry is preceded by its size
        mov ecx, 20
        mov eax, 0xe820
        mov edx, 0x534d4150             ; 'SMAP'
        push esi
        push ebp
        int 0x15
        pop ebp
        pop esi
        jc .e820_done
        cmp eax, 0x534d4150
        jne .e820_done
        mov [es:di - 4], ecx
        add di, cx
        mov [fs:44], di
        test ebx, ebx
        jnz .e820
.e820_done:
        ; mem_upper: grow [1 MiB, edx) through usable entries below 4 GiB
        ; until none extends it (the map need not be sorted).
        mov edx, 0x100000
.rescan:
        xor di, di
.entry: cmp di, [fs:44]
        jae .upper_done
        cmp dword [es:di + 4 + 16], 1   ; type: usable
        jne .next
        cmp dword [es:di + 4 + 4], 0    ; base above 4 GiB
        jne .next
        mov eax, [es:di + 4]
        cmp eax, edx
        ja .next                        ; starts above the end so far
        add eax, [es:di + 4 + 8]
        jc .next
        cmp eax, edx
        jbe .next                       ; ends at or below it
        mov edx, eax
        jmp .rescan
.next:  add di, [es:di]
        add di, 4
        jmp .entry
.upper_done:
        sub edx, 0x100000
        shr edx, 10
        mov [fs:8], edx                 ; mem_upper

        ; Protected mode, flat segments, and off to the kernel.
        cli
        call load_gdt
        xor eax, eax
        mov ax, cs
        shl eax, 4
        add eax, .pm32 - $$
        push word SEL_CODE32
        push eax
        mov bx, sp
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp dword far [ss:bx]
        bits 32
.pm32:  mov ax, SEL_FLAT
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov eax, 0x2badb002             ; Multiboot magic
        mov ebx, esi
        jmp ebp
        bits 16

        times ROM_BLOCKS * 512 - 1 - ($ - $$) db 0
        db 0                            ; checksum byte, fixed after assembly
