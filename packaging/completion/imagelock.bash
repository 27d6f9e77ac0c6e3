# bash completion for imagelock(1): commands, options (every option of 'imagelock [COMMAND] --help' but -?, a glob
# character; tests/Cli.Tests/OptionsDocumentedTests.cs compares them), the values of --perm/--unshare LIST and
# -f FORMAT, images, and the command after 'hold IMAGE --'. Uses bash-completion's helpers when they are loaded,
# plain compgen otherwise.

_imagelock_files()
{
    if declare -F _filedir >/dev/null; then _filedir; else mapfile -t COMPREPLY < <(compgen -f -- "$1"); fi
}

# Completes the last item of a comma-separated LIST, offering the permissions not yet in it.
_imagelock_list()
{
    local cur=$1 head="" item words=""
    [[ $cur == *,* ]] && head=${cur%,*},
    for item in read consistent-read write write-unchanged resize all; do
        [[ ,$head == *,$item,* ]] || words+=" $head$item"
    done
    [[ -z $head ]] && words+=" -"
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    # More items can follow: no space after a complete item.
    [[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

_imagelock()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local command="" i
    COMPREPLY=()

    # --perm=LIST: bash splits the word at '='.
    if [[ $cur == = ]]; then prev=${COMP_WORDS[COMP_CWORD-1]}; cur=""
    elif [[ $prev == = ]]; then prev=${COMP_WORDS[COMP_CWORD-2]}
    fi

    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} != -* ]]; then command=${COMP_WORDS[i]}; break; fi
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W "-h --help -V --version" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "status hold demo help" -- "$cur")
        fi
        return
    fi

    case $command in
        status)
            case $prev in
                --perm | --unshare) _imagelock_list "$cur"; return ;;
                -f | --format) mapfile -t COMPREPLY < <(compgen -W "raw qcow2" -- "$cur"); return ;;
                -o | --output) mapfile -t COMPREPLY < <(compgen -W "image path perm unshare pid fd kind command" -- "$cur"); return ;;
            esac
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "-f --format -J --json -o --output -n --noheadings -r --raw -u --notruncate -q --check --perm --unshare -h --help" -- "$cur")
            else
                _imagelock_files "$cur"
            fi
            ;;
        hold)
            # After 'hold ... --' comes a command line of its own.
            for ((i = 2; i < COMP_CWORD; i++)); do
                if [[ ${COMP_WORDS[i]} == -- ]]; then
                    if declare -F _command_offset >/dev/null; then _command_offset $((i + 1))
                    else mapfile -t COMPREPLY < <(compgen -c -- "$cur"); fi
                    return
                fi
            done
            case $prev in
                --perm | --unshare) _imagelock_list "$cur"; return ;;
                -f | --format) mapfile -t COMPREPLY < <(compgen -W "raw qcow2" -- "$cur"); return ;;
                -w | --wait) mapfile -t COMPREPLY < <(compgen -W "inf" -- "$cur"); return ;;
                -E | --conflict-exit-code) return ;;
                -c | --command) mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return ;;
            esac
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W "-f --format --perm --unshare -w --wait -n --nonblock -E --conflict-exit-code -c --command --posix -h --help --" -- "$cur")
            else
                _imagelock_files "$cur"
            fi
            ;;
        demo)
            [[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W "-h --help" -- "$cur")
            ;;
    esac
}

complete -F _imagelock imagelock
