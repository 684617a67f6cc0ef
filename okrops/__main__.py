from okrops.cli import main

main()
