./loop.sh
